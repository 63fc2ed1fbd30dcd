package dev.tessera.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic documents and queries for load runs: sentences drawn from a fixed technical
 * vocabulary, so searches match real postings and documents chunk like prose. Deterministic per
 * random seed.
 */
final class Corpus {

    private static final String[] WORDS = ("aerofoil wing flutter boundary layer transition turbulence vortex shedding "
            + "shock wave nozzle throat diffuser compressor turbine blade cooling film combustion chamber injector "
            + "propellant oxidiser thrust chamber pressure temperature velocity density viscosity reynolds mach number "
            + "lift drag moment pitch yaw roll stability control surface aileron elevator rudder flap slat spoiler "
            + "fuselage nacelle pylon inlet exhaust plume jet noise cavity resonance panel ablation heat shield "
            + "reentry capsule orbit trajectory guidance navigation sensor gyroscope accelerometer telemetry antenna "
            + "composite laminate fatigue crack fracture corrosion alloy titanium aluminium carbon fibre resin "
            + "wind tunnel measurement experiment simulation mesh solver convergence residual gradient adjoint "
            + "optimisation design sweep taper camber chord span aspect ratio incidence stall buffet icing droplet "
            + "rotor helicopter propeller cavitation hydrofoil wake separation reattachment bubble spanwise streamwise")
            .split(" ");

    private Corpus() {}

    static String words(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }

    /** A document of 3-6 sentences of 8-16 words, as the body of {@code POST /v1/documents}. */
    static Map<String, Object> document(String id, Random random) {
        StringBuilder text = new StringBuilder();
        int sentences = 3 + random.nextInt(4);
        for (int i = 0; i < sentences; i++) {
            String sentence = words(random, 8 + random.nextInt(9));
            text.append(Character.toUpperCase(sentence.charAt(0))).append(sentence, 1, sentence.length()).append(". ");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("title", words(random, 3));
        doc.put("text", text.toString().strip());
        doc.put("metadata", Map.of("source", "load", "group", "g" + random.nextInt(8)));
        return doc;
    }

    static String query(Random random) {
        return words(random, 2 + random.nextInt(3));
    }
}

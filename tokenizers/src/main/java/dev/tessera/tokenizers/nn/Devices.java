package dev.tessera.tokenizers.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Device names as the tokenizers take them: "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu", "gpu:N". */
public final class Devices {

    private Devices() {}

    /** The device for a name; null means "auto". A GPU PyTorch does not see is refused. */
    public static Device choose(String device) {
        String d = device == null ? "auto" : device.strip().toLowerCase(Locale.ROOT);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (d.equals("auto")) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda") || d.matches("(gpu|cuda)[:(]?\\d+\\)?")) {
            int id = d.matches(".*\\d.*") ? Integer.parseInt(d.replaceAll("\\D", "")) : 0;
            if (id >= gpus) {
                throw new IllegalArgumentException("device '" + device + "' requested but PyTorch sees " + gpus + " GPU(s)");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, got '" + device + "'");
    }
}

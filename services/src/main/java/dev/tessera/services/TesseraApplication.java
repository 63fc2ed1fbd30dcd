package dev.tessera.services;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Tessera HTTP service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TesseraApplication {

    public static void main(String[] args) {
        // Nothing is fetched at run time: models come from jars, DJL must not reach for its hub.
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(TesseraApplication.class, args);
    }
}

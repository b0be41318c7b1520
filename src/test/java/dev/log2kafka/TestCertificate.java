package dev.log2kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool: a PKCS12 key store for the broker, and for
 * clients a PKCS12 trust store and the same certificate as a PEM file (what librdkafka's ssl.ca.location names).
 */
record TestCertificate(Path keyStore, Path trustStore, Path caPem, String password) {

    static TestCertificate selfSigned(Path directory) throws IOException, InterruptedException {
        String password = "store-secret";
        Path keyStore = directory.resolve("broker.p12");
        Path caPem = directory.resolve("ca.pem");
        Path trustStore = directory.resolve("truststore.p12");
        // An EC key: made in milliseconds, where RSA takes a noticeable part of a second.
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=log2kafka test broker", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", password,
                "-file", caPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", password);
        return new TestCertificate(keyStore, trustStore, caPem, password);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("keytool", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not end within 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + command + "\n" + Files.readString(output));
            }
        } finally {
            Files.delete(output);
        }
    }
}

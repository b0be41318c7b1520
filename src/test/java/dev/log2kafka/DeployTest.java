package dev.log2kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What deploy/ holds for running log2kafka as a service: a systemd unit that systemd's own check accepts and that
 * restarts on failure but not on bad settings, and Prometheus alert rules that Prometheus' own check accepts.
 */
class DeployTest {

    private static final Path UNIT = Path.of("deploy/log2kafka.service");

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not here");
        Process verify = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", UNIT.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String said = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), said);
        assertEquals("", said.strip(), "systemd-analyze verify has something to say");
    }

    @Test
    void prometheusAcceptsTheAlertRules() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool is not here (Debian package prometheus)");
        Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules", "deploy/log2kafka-alerts.yml")
                .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), said);
        assertTrue(said.contains("SUCCESS: 3 rules found"), said);
    }

    @Test
    void theUnitRestartsOnFailureButNotOnABadSettingAndAStopIsNoFailure() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        assertTrue(lines.contains("Restart=on-failure"));
        assertTrue(lines.contains("RestartPreventExitStatus=2 " + ExitCode.FENCED.code()),
                "exit code 2 is a bad setting; 6 another instance took over the transactional id");
        assertTrue(lines.contains("SuccessExitStatus=130"), "SIGTERM ends log2kafka with 130");
        assertTrue(lines.contains("StateDirectory=log2kafka"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ExecStart=")
                && l.contains("--state-dir ${STATE_DIRECTORY}") && l.contains("--follow") && l.contains("--http-port")));
    }
}

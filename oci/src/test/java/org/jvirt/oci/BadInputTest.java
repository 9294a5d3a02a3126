package org.jvirt.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input: one clear line, status 1, and no state directory, cgroup or process left behind. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {
    private static void assertFails(Fixture f, String id, String expected, String... args) {
        assertEquals(1, f.oci(args), f.lastErr);
        assertTrue(f.lastErr.contains(expected), "expected \"" + expected + "\" in: " + f.lastErr);
        assertEquals(1, f.lastErr.strip().lines().count(), "one line: " + f.lastErr);
        assertTrue(f.lastErr.startsWith("jvirt: "), f.lastErr);
        assertFalse(Files.exists(f.root.resolve(id)), "no state directory is left for " + id);
        assertEquals(List.of(), Fixture.cgroupDirs(id), "no cgroup is left for " + id);
    }

    @Test
    void missingBundle() throws Exception {
        try (Fixture f = new Fixture()) {
            assertFails(f, "b1", "does not exist", "create", "--bundle", f.dir.resolve("nope").toString(), "b1");
        }
    }

    @Test
    void invalidJson() throws Exception {
        try (Fixture f = new Fixture()) {
            Files.writeString(f.bundle.resolve("config.json"), "{ \"ociVersion\": \"1.0.2\", ");
            assertFails(f, "b2", "config.json is not valid JSON", "create", "--bundle", f.bundle.toString(), "b2");
        }
    }

    @Test
    void aFieldOfTheWrongType() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            c.put("hostname", 5L);
            f.write(c);
            assertFails(f, "b3", "config.json: hostname must be a string, not a number", "create", "--bundle", f.bundle.toString(), "b3");
            c = f.config("true");
            Fixture.obj(c, "linux").put("namespaces", List.of(Map.of("type", "bogus")));
            f.write(c);
            assertFails(f, "b3", "not a namespace type", "create", "--bundle", f.bundle.toString(), "b3");
        }
    }

    @Test
    void aRootfsThatDoesNotExist() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            c.put("root", Map.of("path", "missing-rootfs"));
            f.write(c);
            assertFails(f, "b4", "root.path", "create", "--bundle", f.bundle.toString(), "b4");
        }
    }

    @Test
    void aDuplicateIdLeavesTheFirstContainerAlone() throws Exception {
        try (Fixture f = new Fixture()) {
            f.write(f.config("true"));
            assertEquals(0, f.oci("create", "--bundle", f.bundle.toString(), "dup"), f.lastErr);
            assertEquals(1, f.oci("create", "--bundle", f.bundle.toString(), "dup"));
            assertTrue(f.lastErr.contains("already exists"), f.lastErr);
            assertEquals("created", f.status("dup"));
            assertEquals(0, f.oci("delete", "dup"), f.lastErr);
        }
    }

    @Test
    void aCommandThatIsNotInTheRootfs() throws Exception {
        try (Fixture f = new Fixture()) {
            Map<String, Object> c = f.config("true");
            Fixture.obj(c, "process").put("args", List.of("no-such-command"));
            f.write(c);
            assertFails(f, "b5", "not found", "create", "--bundle", f.bundle.toString(), "b5");
        }
    }

    @Test
    void unknownContainersAndOptions() throws Exception {
        try (Fixture f = new Fixture()) {
            for (String cmd : List.of("state", "start", "kill", "delete")) assertFails(f, "ghost", "container ghost does not exist", cmd, "ghost");
            assertFails(f, "x", "unknown option --bogus", "create", "--bogus", "x");
            assertFails(f, "x", "invalid container id", "create", "../x");
        }
    }

    @Test
    void errorsGoToTheLogFileAsConmonReadsThem() throws Exception {
        try (Fixture f = new Fixture()) {
            java.nio.file.Path log = f.dir.resolve("log.json");
            assertEquals(1, f.oci("--log", log.toString(), "--log-format=json", "state", "ghost"));
            Obj line = Obj.root(Json.parse(Files.readString(log).strip(), "log"), "log");
            assertEquals("error", line.str("level", ""));
            assertEquals("container ghost does not exist", line.str("msg", ""));
        }
    }
}

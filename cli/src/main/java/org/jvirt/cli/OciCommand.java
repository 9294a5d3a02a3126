package org.jvirt.cli;

import picocli.CommandLine.Command;

/**
 * `jvirt oci ...`: the OCI runtime with runc's command line. Main hands the arguments straight to
 * OciMain (runc's options do not fit picocli's conventions), so picocli never runs this command:
 * the class only gives it a place in help.
 */
@Command(name = "oci", description = {"An OCI container runtime with runc's command line (create, start, state, kill, delete, run, exec, list, ps, features, spec).",
        "See 'jvirt oci --help'. oci/bin/jvirt-runc is the same as an executable for podman --runtime."})
final class OciCommand {
}

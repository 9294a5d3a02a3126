package org.jvirt.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jvirt.oci.OciMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * `jvirt oci ...`: the OCI runtime with runc's command line. Main hands the arguments straight to
 * OciMain (runc's options do not fit picocli's conventions); this class gives it a place in help.
 */
@Command(name = "oci", description = {"An OCI container runtime with runc's command line (create, start, state, kill, delete, run, exec, list, ps, features, spec).",
        "See 'jvirt oci --help'. oci/bin/jvirt-runc is the same as an executable for podman --runtime."})
final class OciCommand implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> args = List.of();
    @Unmatched List<String> unmatched = List.of();

    @picocli.CommandLine.ParentCommand Main main;

    @Override
    public Integer call() {
        java.util.List<String> all = new java.util.ArrayList<>(unmatched);
        all.addAll(args);
        return OciMain.execute(main.out, main.err, all.toArray(String[]::new));
    }
}

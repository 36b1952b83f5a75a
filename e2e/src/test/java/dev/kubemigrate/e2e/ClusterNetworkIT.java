package dev.kubemigrate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local cluster's own network, which every other test stands on: the bridge through which pods
 * reach the host (the API server, the databases, the registry) keeps its MAC while pods come and
 * go. A bridge whose MAC was never set takes the lowest MAC among its ports; when that pod went, a
 * pod that had just learnt the gateway's MAC lost the host until its ARP entry expired (CI saw
 * Flyway's connect to MariaDB time out after 30 s). Ports stand in for pods here: their MACs can be
 * chosen, a pod's cannot.
 */
@ExtendWith(LocalCluster.class)
class ClusterNetworkIT {

  private static final String BRIDGE = "kmbr0";

  @Test
  @DisplayName(
      "the cluster's bridge keeps its MAC while ports with lower MACs join and leave, in any order")
  void bridgeKeepsItsMac() throws Exception {
    String before = mac();
    // three ports below the bridge's MAC (the lowest unicast, the lowest locally administered, one
    // just below the bridge's own prefix), each a member of "a pod whose MAC is the lowest"
    List<String> lower = List.of("00:00:00:00:00:01", "02:00:00:00:00:00", "02:6b:6d:00:00:00");
    try {
      for (int i = 0; i < lower.size(); i++) {
        attach("kmtest" + i, lower.get(i));
        assertThat(mac()).as("after a port with MAC %s joined", lower.get(i)).isEqualTo(before);
      }
      // the lowest leaves first, while others stay; then the highest; then the last
      for (int i : new int[] {0, 2, 1}) {
        ip("link", "del", "kmtest" + i);
        assertThat(mac()).as("after the port with MAC %s left", lower.get(i)).isEqualTo(before);
      }
    } finally {
      for (int i = 0; i < lower.size(); i++) {
        Processes.run(Path.of("/"), Map.of(), "ip", "link", "del", "kmtest" + i);
      }
    }
    assertThat(Files.readString(sys("addr_assign_type")).trim())
        .as("the MAC was set (3), not inherited from a port")
        .isEqualTo("3");
  }

  private static void attach(String name, String mac) throws Exception {
    ip("link", "add", name, "type", "veth", "peer", "name", name + "p");
    ip("link", "set", name, "address", mac);
    ip("link", "set", name, "master", BRIDGE);
    ip("link", "set", name, "up");
  }

  private static void ip(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    Processes.Ran ran = Processes.run(Path.of("/"), Map.of(), command);
    assertThat(ran.exitCode()).as(String.join(" ", command) + ": " + ran.output()).isZero();
  }

  private static String mac() throws IOException {
    return Files.readString(sys("address")).trim();
  }

  private static Path sys(String file) {
    return Path.of("/sys/class/net", BRIDGE, file);
  }
}

package dev.kubemigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdsClassListTest {

  private static List<String> classNames() throws IOException {
    try (InputStream in =
        CdsClassListTest.class.getClassLoader().getResourceAsStream(CdsClassList.RESOURCE)) {
      assertThat(in).as(CdsClassList.RESOURCE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("#") && !l.startsWith("@") && !l.isBlank())
          .toList();
    }
  }

  /**
   * A class renamed or removed since scripts/cds-classlist last ran would be missing from the
   * archive: the list names only classes that exist (kubemigrate's and its libraries'; the JDK's
   * own differ between builds and are skipped by the dump when absent).
   */
  @Test
  void everyClassOfKubemigrateAndItsLibrariesThatTheListNamesExists() throws IOException {
    List<String> missing = new ArrayList<>();
    List<String> ours = new ArrayList<>();
    for (String name : classNames()) {
      if (name.matches("(java|javax|jdk|sun|com/sun)/.*")) {
        continue;
      }
      ours.add(name);
      try {
        Class.forName(name.replace('/', '.'), false, getClass().getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(name);
      }
    }
    assertThat(ours).hasSizeGreaterThan(2000);
    assertThat(missing).as("run scripts/cds-classlist to write the list again").isEmpty();
  }

  /** What the commands that run in pods and pipelines load, not only what reads a record. */
  @Test
  void theListHoldsTheEnginesOfRunAwaitAndExec() throws IOException {
    assertThat(classNames())
        .contains(
            "dev/kubemigrate/run/RunEngine",
            "dev/kubemigrate/await/AwaitEngine",
            "dev/kubemigrate/exec/ExecEngine",
            "dev/kubemigrate/cli/RunCommand",
            "dev/kubemigrate/cli/ExecCommand",
            "io/fabric8/kubernetes/api/model/batch/v1/Job",
            "picocli/CommandLine");
  }

  @Test
  void mainPrintsTheList() throws IOException {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      CdsClassList.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(CdsClassList.RESOURCE)) {
      assertThat(printed.toByteArray()).isEqualTo(in.readAllBytes());
    }
  }
}

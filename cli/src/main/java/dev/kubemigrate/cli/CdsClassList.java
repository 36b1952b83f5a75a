package dev.kubemigrate.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * Prints the list of classes kubemigrate's commands load ({@value #RESOURCE}, written by {@code
 * scripts/cds-classlist} from real commands on a cluster), from which the launcher and the image
 * build make the class-data archive: {@code java -Xshare:dump -XX:SharedClassListFile=…}. Its own
 * entry point, without picocli or the client, because it runs before that archive exists: {@code
 * java -cp kubemigrate.jar dev.kubemigrate.cli.CdsClassList > classlist}.
 */
public final class CdsClassList {

  static final String RESOURCE = "META-INF/kubemigrate/classlist";

  private CdsClassList() {}

  public static void main(String[] args) throws IOException {
    try (InputStream list = CdsClassList.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (list == null) {
        System.err.println("kubemigrate: this jar has no " + RESOURCE);
        System.exit(1);
      }
      list.transferTo(System.out);
    }
    System.out.flush();
  }
}

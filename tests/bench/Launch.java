// SPDX-License-Identifier: GPL-3.0-or-later
// tests/bench/Launch.java -- bench.sh's launcher from a JVM, as LINSTOR's
// satellite starts losetup: new ProcessBuilder(command).start(), its
// standard output read from the pipe to the end, then waitFor().
//
// Usage: java Launch [-p] [-w WARMUP] SCHEDULE CMD...
//
// The same interface as launch.c: each CMD a program and its arguments
// separated by blanks, SCHEDULE the comma-separated CMD indices in the
// order they run, the first WARMUP untimed (they warm the JVM up: the
// class loading and compilation of its first runs).  For each timed run
// one line is printed when all runs are done:
//
//     INDEX <TAB> wall seconds <TAB> -
//
// (a JVM cannot see the user and system time of a child it has reaped).
// With -p, each CMD is run once and its output copied to standard output.

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class Launch {
  // Runs the command once as ProcessBuilder does by default (pipes for
  // all three standard streams), reads its standard output and then its
  // standard error to the end, copying the output to COPY unless null,
  // and returns the wall time in nanoseconds.
  static long run(List<String> cmd, OutputStream copy) throws Exception {
    byte[] buf = new byte[65536];
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    for (InputStream in : new InputStream[] {p.getInputStream(), p.getErrorStream()}) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (copy != null && in == p.getInputStream()) copy.write(buf, 0, n);
      }
      in.close();
    }
    int status = p.waitFor();
    long t1 = System.nanoTime();
    if (status != 0) {
      System.err.println("Launch: " + cmd.get(0) + ": exit status " + status);
      System.exit(1);
    }
    return t1 - t0;
  }

  public static void main(String[] args) throws Exception {
    boolean copy = false;
    int warmup = 0, a = 0;
    for (; a < args.length && args[a].startsWith("-"); a++) {
      if (args[a].equals("-p")) copy = true;
      else if (args[a].equals("-w")) warmup = Integer.parseInt(args[++a]);
      else System.exit(2);
    }
    if (args.length - a < 2) {
      System.err.println("usage: java Launch [-p] [-w WARMUP] SCHEDULE CMD...");
      System.exit(2);
    }
    List<Integer> sched = new ArrayList<>();
    for (String s : args[a].split(",")) sched.add(Integer.parseInt(s));
    List<List<String>> cmds = new ArrayList<>();
    for (int i = a + 1; i < args.length; i++)
      cmds.add(List.of(args[i].trim().split("[ \t]+")));

    if (copy) {
      for (List<String> cmd : cmds) run(cmd, System.out);
      System.out.flush();
      return;
    }
    long[] wall = new long[sched.size()];
    for (int r = 0; r < sched.size(); r++) wall[r] = run(cmds.get(sched.get(r)), null);
    StringBuilder out = new StringBuilder();
    for (int r = warmup; r < sched.size(); r++)
      out.append(String.format(Locale.ROOT, "%d\t%.9f\t-%n", sched.get(r), wall[r] / 1e9));
    System.out.print(out);
    System.out.flush();
  }
}

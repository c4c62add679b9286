package io.corpusencoder.core.testing;

/** Naive, obviously-correct versions of the kernels, for tests only. */
public final class ReferenceOps {
  private ReferenceOps() {}

  /** c[m×n] = a[m×k] · b[k×n], all dense row-major, in double. */
  public static double[][] matmul(double[][] a, double[][] b) {
    int m = a.length, k = b.length, n = b[0].length;
    double[][] c = new double[m][n];
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) s += a[i][p] * b[p][j];
        c[i][j] = s;
      }
    return c;
  }

  public static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) t[j][i] = a[i][j];
    return t;
  }

  /** Row-wise softmax in double. */
  public static double[][] softmax(double[][] x) {
    double[][] y = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x[i]) max = Math.max(max, v);
      double sum = 0;
      y[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) sum += (y[i][j] = Math.exp(x[i][j] - max));
      for (int j = 0; j < x[i].length; j++) y[i][j] /= sum;
    }
    return y;
  }

  /** erf by its Maclaurin series in double: accurate to ~1e-15 for |x| ≤ 3. */
  public static double erfSeries(double x) {
    double term = x, sum = x;
    for (int n = 1; n < 200; n++) {
      term *= -x * x / n;
      sum += term / (2 * n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  public static double[] layerNorm(double[] x, double[] g, double[] b, double eps) {
    double mean = 0;
    for (double v : x) mean += v / x.length;
    double var = 0;
    for (double v : x) var += (v - mean) * (v - mean) / x.length;
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) / Math.sqrt(var + eps) * g[i] + b[i];
    return y;
  }

  public static double[][] toDouble(float[] a, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = a[i * cols + j];
    return m;
  }

  public static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }
}

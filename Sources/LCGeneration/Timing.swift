/// Durations as floating-point figures for the statistics the package reports (tok/s, ms): one conversion for
/// every report, so no caller reads `Duration.components` itself.
public enum Timing {
    /// `d` in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `d` in milliseconds.
    public static func milliseconds(_ d: Duration) -> Double { seconds(d) * 1000 }
}

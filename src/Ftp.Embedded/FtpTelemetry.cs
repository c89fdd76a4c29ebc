namespace Ftp.Embedded;

/// <summary>
/// The names under which the server publishes telemetry, for OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>
/// (or any <see cref="System.Diagnostics.Metrics.MeterListener"/> and <see cref="System.Diagnostics.ActivityListener"/>).
/// The instruments, activities and tags are listed in <c>docs/observability.md</c>.
/// </summary>
public static class FtpTelemetry
{
    /// <summary>The name of the meter: <c>Ftp.Embedded</c>. Created through the host's <c>IMeterFactory</c> when it has one.</summary>
    public const string MeterName = "Ftp.Embedded";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>Ftp.Embedded</c>.</summary>
    public const string ActivitySourceName = "Ftp.Embedded";
}

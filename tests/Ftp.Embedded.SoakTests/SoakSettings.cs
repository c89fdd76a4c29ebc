using System.Globalization;

namespace Ftp.Embedded.SoakTests;

/// <summary>
/// How long and how hard the soak runs. Quick mode (the default, for CI): about a minute of load from 40 clients.
/// Full mode (<c>FTP_SOAK_MODE=full</c>): 10 minutes from 200 clients. <c>FTP_SOAK_SECONDS</c> and <c>FTP_SOAK_CLIENTS</c>
/// override either; <c>FTP_SOAK_REPORT</c> names a file that receives the figures table.
/// </summary>
internal sealed record SoakSettings(string Mode, TimeSpan Duration, int Clients, string? ReportPath, int Seed)
{
    public static SoakSettings FromEnvironment()
    {
        var full = string.Equals(Environment.GetEnvironmentVariable("FTP_SOAK_MODE"), "full", StringComparison.OrdinalIgnoreCase);
        var seconds = Number("FTP_SOAK_SECONDS") ?? (full ? 600 : 45);
        var clients = Number("FTP_SOAK_CLIENTS") ?? (full ? 200 : 40);
        var seed = Number("FTP_SOAK_SEED") ?? 20_250_611;
        var report = Environment.GetEnvironmentVariable("FTP_SOAK_REPORT");
        return new SoakSettings(full ? "full" : "quick", TimeSpan.FromSeconds(Math.Max(1, seconds)), Math.Max(1, clients),
            string.IsNullOrWhiteSpace(report) ? null : report, seed);
    }

    private static int? Number(string name)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

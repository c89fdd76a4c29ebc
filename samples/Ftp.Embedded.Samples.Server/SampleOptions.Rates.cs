using System.Globalization;

namespace Ftp.Embedded.Samples.Server;

/// <summary>The transfer rate options: --max-download-rate and --max-upload-rate, for all sessions together.</summary>
public sealed partial class SampleOptions
{
    /// <summary>Bytes per second all downloads together may use (<c>Ftp:Limits:MaxDownloadRate</c>); null: as configured.</summary>
    public long? MaxDownloadRate { get; set; }

    /// <summary>Bytes per second all uploads together may use (<c>Ftp:Limits:MaxUploadRate</c>); null: as configured.</summary>
    public long? MaxUploadRate { get; set; }

    /// <summary>Sets the server's limits given on the command line; the others stay as configuration set them.</summary>
    public void ApplyRates(FtpServerLimits limits)
    {
        limits.MaxDownloadRate = MaxDownloadRate ?? limits.MaxDownloadRate;
        limits.MaxUploadRate = MaxUploadRate ?? limits.MaxUploadRate;
    }

    private void SetRate(string option, string text)
    {
        var rate = ParseRate(option, text);
        if (option == "--max-download-rate")
        {
            MaxDownloadRate = rate;
        }
        else
        {
            MaxUploadRate = rate;
        }
    }

    /// <summary>A rate in bytes per second: digits with an optional K, M or G (powers of 1024); 0 for no limit.</summary>
    private static long ParseRate(string option, string text)
    {
        var trimmed = text.Trim();
        var multiplier = trimmed.Length == 0 ? 1 : char.ToUpperInvariant(trimmed[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var number = multiplier == 1 ? trimmed : trimmed[..^1];
        if (number.Length > 0 && char.IsAsciiDigit(number[0])
            && decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value * multiplier <= long.MaxValue
            && (long)(value * multiplier) is var rate && (rate == 0 || rate >= 1024))
        {
            return rate;
        }

        throw new FormatException($"{option}: '{text}' is not a rate: give bytes per second of 1024 or more, with an optional K, M or G suffix (512K, 5M), or 0 for no limit.");
    }
}

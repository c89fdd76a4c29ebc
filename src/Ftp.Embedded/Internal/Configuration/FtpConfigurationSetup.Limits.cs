using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Ftp.Embedded.Internal.Configuration;

/// <summary>Binds the transfer rate limits and the per-user limits.</summary>
internal sealed partial class FtpConfigurationSetup
{
    private const string RateForm = "bytes per second as a whole number, or with a K, M or G suffix (1024, 1048576, 1073741824 bytes), such as \"512K\" or \"5M\"; 0 for no limit";

    /// <summary><c>Ftp:Limits:MaxDownloadRate</c> and <c>MaxUploadRate</c>: all sessions together.</summary>
    private static void BindRates(IConfigurationSection limits, FtpServerLimits options)
    {
        Rate(limits, "MaxDownloadRate", v => options.MaxDownloadRate = v);
        Rate(limits, "MaxUploadRate", v => options.MaxUploadRate = v);
    }

    /// <summary><c>Ftp:Anonymous:MaxDownloadRate</c> and <c>MaxUploadRate</c>: each anonymous session.</summary>
    private static void BindRates(IConfigurationSection anonymous, FtpAnonymousOptions options)
    {
        Rate(anonymous, "MaxDownloadRate", v => options.MaxDownloadRate = v);
        Rate(anonymous, "MaxUploadRate", v => options.MaxUploadRate = v);
    }

    /// <summary><c>Ftp:Users:N:MaxDownloadRate</c>, <c>MaxUploadRate</c>, <c>MaxSessions</c> and <c>AllowedNetworks</c>.</summary>
    private static void BindUserLimits(IConfigurationSection entry, FtpLocalUser user)
    {
        Rate(entry, "MaxDownloadRate", v => user.MaxDownloadRate = v);
        Rate(entry, "MaxUploadRate", v => user.MaxUploadRate = v);
        Int(entry, "MaxSessions", v => user.MaxSessions = v);
        var networks = entry.GetSection("AllowedNetworks");
        if (networks.Value is { Length: > 0 } list)
        {
            // One string ("10.0.0.0/8, 192.0.2.10"), as an environment variable gives it.
            foreach (var network in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                user.AllowedNetworks.Add(network);
            }
        }

        foreach (var child in networks.GetChildren())
        {
            user.AllowedNetworks.Add(child.Value ?? "");
        }
    }

    private static void Rate(IConfigurationSection section, string key, Action<long> set) => Apply(section, key, RateForm, ParseRate, set);

    /// <summary>A rate in bytes per second: digits, optionally a fraction, and an optional K, M or G (powers of 1024).</summary>
    internal static long? ParseRate(string text)
    {
        text = text.Trim();
        var multiplier = text.Length == 0 ? 1 : char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var number = multiplier == 1 ? text : text[..^1];
        if (number.Length == 0 || !char.IsAsciiDigit(number[0])
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value * multiplier > long.MaxValue)
        {
            return null;
        }

        return (long)(value * multiplier);
    }
}

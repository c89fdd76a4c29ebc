namespace Ftp.Embedded;

/// <summary>
/// Temporary bans: an address with <see cref="MaxFailures"/> failed logins within <see cref="Window"/> (over any number
/// of connections) is refused with 421 before any command for <see cref="Duration"/>. The defaults are fail2ban's
/// (<c>maxretry</c> 5, <c>findtime</c> 10 minutes, <c>bantime</c> 10 minutes). <see cref="FtpServerEvents.AddressBanned"/>
/// tells the application, for example to block the address in a firewall.
/// </summary>
public sealed class FtpBanOptions
{
    private int _maxFailures = 5;
    private TimeSpan _window = TimeSpan.FromMinutes(10);
    private TimeSpan _duration = TimeSpan.FromMinutes(10);
    private int _maxTrackedAddresses = 100_000;

    /// <summary>Whether bans are on. Default <see langword="false"/>: behind a NAT or proxy every client shares one address.</summary>
    public bool Enabled { get; set; }

    /// <summary>Failed logins from one address within <see cref="Window"/> that ban it. Default 5.</summary>
    public int MaxFailures
    {
        get => _maxFailures;
        set => _maxFailures = value is >= 1 and <= 1_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxFailures), value, "FtpBanOptions.MaxFailures must be between 1 and 1000000.");
    }

    /// <summary>How far back failed logins count. Default 10 minutes.</summary>
    public TimeSpan Window { get => _window; set => _window = Positive(value, nameof(Window)); }

    /// <summary>How long a ban lasts. Default 10 minutes.</summary>
    public TimeSpan Duration { get => _duration; set => _duration = Positive(value, nameof(Duration)); }

    /// <summary>
    /// The most addresses tracked at once (each costs about 100 bytes). Default 100,000. When full, failures of further
    /// addresses are not counted until entries expire, so an attacker with many addresses cannot exhaust memory.
    /// </summary>
    public int MaxTrackedAddresses
    {
        get => _maxTrackedAddresses;
        set => _maxTrackedAddresses = value is >= 1 and <= 10_000_000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTrackedAddresses), value, "FtpBanOptions.MaxTrackedAddresses must be between 1 and 10000000.");
    }

    private static TimeSpan Positive(TimeSpan value, string name)
        => value > TimeSpan.Zero && value <= TimeSpan.FromDays(365)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"FtpBanOptions.{name} must be more than zero and at most 365 days.");
}

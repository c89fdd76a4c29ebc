namespace Ftp.Embedded;

/// <summary>An address that was banned.</summary>
public sealed class FtpAddressBannedEventArgs : EventArgs
{
    internal FtpAddressBannedEventArgs(System.Net.IPAddress address, int failures, DateTimeOffset until)
    {
        Address = address;
        Failures = failures;
        Until = until;
    }

    /// <summary>The client address.</summary>
    public System.Net.IPAddress Address { get; }

    /// <summary>The failed logins within the window that led to the ban.</summary>
    public int Failures { get; }

    /// <summary>When the ban ends (UTC).</summary>
    public DateTimeOffset Until { get; }
}

namespace Ftp.Embedded;

/// <summary>
/// The PROXY protocol (HAProxy's v1 text and v2 binary header), for a server behind HAProxy, AWS NLB or a Kubernetes
/// ingress: a control or passive data connection from a <see cref="TrustedNetworks">trusted network</see> must start
/// with the header. On a control connection the client address it carries replaces the balancer's for every rule and
/// record (limits, bans, the passive peer check, the active target check, logs, the transfer log, events); on a passive
/// data connection it is the peer the passive peer check compares with that client, and the one logged. Active data
/// connections go from the server straight to the client, without a header. A header is never read from, and so never
/// honoured for, a peer outside the trusted networks. Configuration section <c>Ftp:Proxy</c>.
/// </summary>
public sealed class FtpProxyOptions
{
    private TimeSpan _headerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The balancers' addresses or networks in CIDR form (<c>10.0.0.0/8</c>, <c>fd00::/8</c>, <c>192.0.2.10</c>); an
    /// IPv4-mapped IPv6 network counts as the IPv4 network it stands for. Empty (the default): the PROXY protocol is off.
    /// Checked on start. Configuration key <c>Ftp:Proxy:TrustedNetworks</c>.
    /// </summary>
    public IList<string> TrustedNetworks { get; } = new List<string>();

    /// <summary>
    /// How long a trusted peer has to send the whole header; after it, a control connection is closed without a session,
    /// and a passive data connection is refused (its transfer gets 425, the session goes on). Default 5 seconds.
    /// Configuration key <c>Ftp:Proxy:HeaderTimeout</c>.
    /// </summary>
    public TimeSpan HeaderTimeout
    {
        get => _headerTimeout;
        set => _headerTimeout = value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HeaderTimeout), value, "FtpProxyOptions.HeaderTimeout must be more than zero and at most 10 minutes.");
    }

    /// <summary>
    /// Whether every connection must come through a trusted proxy: when <see langword="true"/>, a connection from outside
    /// <see cref="TrustedNetworks"/> is closed without a session. Default <see langword="false"/>: such a connection is
    /// served as a direct client, with its own address and without reading a header (a header it sends is not honoured),
    /// so direct and proxied clients can share an endpoint and every rule still sees a true address. Set it when clients
    /// must not bypass the balancer. It applies to control connections: a passive data connection from outside the trusted
    /// networks is not read for a header and is checked with its own address. Configuration key <c>Ftp:Proxy:Required</c>.
    /// </summary>
    public bool Required { get; set; }
}

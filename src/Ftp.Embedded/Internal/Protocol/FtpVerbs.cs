using System.Collections.Frozen;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>Interned verb strings, so that parsing a known command allocates no verb string.</summary>
internal static class FtpVerbs
{
    public const int MaxLength = 8;

    private static readonly FrozenSet<string> Known = new[]
    {
        "ABOR", "ACCT", "ADAT", "ALLO", "APPE", "AUTH", "AVBL", "CCC", "CDUP", "CLNT", "CONF", "CWD", "DELE", "ENC", "EPRT", "EPSV",
        "FEAT", "HASH", "HELP", "HOST", "LANG", "LIST", "MDTM", "MFCT", "MFF", "MFMT", "MIC", "MKD", "MLSD", "MLST", "MODE", "NLST",
        "NOOP", "OPTS", "PASS", "PASV", "PBSZ", "PORT", "PROT", "PWD", "QUIT", "RANG", "REIN", "REST", "RETR", "RMD", "RMDA", "RNFR", "RNTO",
        "SITE", "SIZE", "SMNT", "SPSV", "STAT", "STOR", "STOU", "STRU", "SYST", "THMB", "TYPE", "USER", "XCRC", "XCUP", "XCWD",
        "XMD5", "XMKD", "XPWD", "XRCP", "XRMD", "XRSQ", "XSEM", "XSEN", "XSHA1", "XSHA256", "XSHA512",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    public static IReadOnlySet<string> All => Known;

    /// <summary>Returns the interned verb for <paramref name="upperCaseVerb"/>, or a new string for an unknown one.</summary>
    public static string Intern(ReadOnlySpan<char> upperCaseVerb)
        => Lookup.TryGetValue(upperCaseVerb, out var verb) ? verb : new string(upperCaseVerb);
}

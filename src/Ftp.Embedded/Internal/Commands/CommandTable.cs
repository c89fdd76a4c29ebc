using System.Collections.Frozen;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>Handles one command. <paramref name="pending"/> is what the previous command left (REST, RNFR).</summary>
internal delegate ValueTask CommandHandler(ICommandContext ctx, FtpRequest request, Pending pending);

[Flags]
internal enum CommandFlags
{
    None = 0,
    /// <summary>Answered with 530 before login.</summary>
    NeedsLogin = 1,
    /// <summary>Answered while a transfer runs (otherwise it waits for the transfer to end).</summary>
    DuringTransfer = 2,
    /// <summary>Uses the prepared data connection.</summary>
    DataTransfer = 4,
    /// <summary>Sets up the transfer (PASV, TYPE…): a REST offset before it stays for the transfer command.</summary>
    KeepsRestart = 8,
    /// <summary>
    /// Short and non-blocking (no filesystem, no application seam): runs where its line was read, on the transport's
    /// event thread, instead of moving to a pool thread first.
    /// </summary>
    Inline = 16,
}

/// <summary>One row of the command table.</summary>
internal sealed record CommandDefinition(string Verb, CommandHandler Handler, CommandFlags Flags, string Syntax);

/// <summary>
/// Every command the server implements: verb, handler, flags and help text. FEAT and HELP are generated from it;
/// aliases (XPWD, XCWD…) are rows of their own. A verb known to FTP but absent here is answered with 502.
/// </summary>
internal static class CommandTable
{
    private const CommandFlags Login = CommandFlags.NeedsLogin;
    private const CommandFlags Data = CommandFlags.NeedsLogin | CommandFlags.DataTransfer;
    private const CommandFlags Anytime = CommandFlags.DuringTransfer;
    private const CommandFlags Setup = CommandFlags.NeedsLogin | CommandFlags.KeepsRestart;
    private const CommandFlags Inline = CommandFlags.Inline;

    private static readonly CommandDefinition[] Rows =
    [
        new("USER", LoginCommands.User, Inline, "USER <name>"),
        new("PASS", LoginCommands.Pass, CommandFlags.None, "PASS <password>"),
        new("ACCT", LoginCommands.Acct, CommandFlags.None, "ACCT <account>"),
        new("REIN", LoginCommands.Rein, CommandFlags.None, "REIN"),
        new("QUIT", LoginCommands.Quit, Anytime | Inline, "QUIT"),
        new("HOST", LoginCommands.Host, CommandFlags.None, "HOST <hostname>"),
        new("AUTH", TlsCommands.Auth, CommandFlags.None, "AUTH TLS"),
        new("PBSZ", TlsCommands.Pbsz, Inline, "PBSZ 0"),
        new("PROT", TlsCommands.Prot, CommandFlags.None, "PROT P | C"),
        new("CCC", TlsCommands.Ccc, CommandFlags.None, "CCC"),
        new("NOOP", InfoCommands.Noop, Anytime | Inline, "NOOP"),
        new("SYST", InfoCommands.Syst, Inline, "SYST"),
        new("FEAT", InfoCommands.Feat, Inline, "FEAT"),
        new("OPTS", InfoCommands.Opts, CommandFlags.None, "OPTS <option> [<value>]"),
        new("HELP", InfoCommands.Help, CommandFlags.None, "HELP [<command>]"),
        new("STAT", InfoCommands.Stat, Anytime, "STAT [<path>]"),
        new("CLNT", InfoCommands.Clnt, Inline, "CLNT <client name>"),
        new("ALLO", InfoCommands.Allo, Login, "ALLO <bytes>"),
        new("TYPE", InfoCommands.Type, Setup | Inline, "TYPE A | I | L 8"),
        new("MODE", ModeCommands.Mode, Setup | Inline, "MODE S | Z"),
        new("STRU", InfoCommands.Stru, Setup | Inline, "STRU F"),
        new("ABOR", TransferCommands.Abor, Anytime | Login, "ABOR"),
        new("PWD", NavigationCommands.Pwd, Login | Inline, "PWD"),
        new("XPWD", NavigationCommands.Pwd, Login | Inline, "XPWD"),
        new("CWD", NavigationCommands.Cwd, Login, "CWD <path>"),
        new("XCWD", NavigationCommands.Cwd, Login, "XCWD <path>"),
        new("CDUP", NavigationCommands.Cdup, Login, "CDUP"),
        new("XCUP", NavigationCommands.Cdup, Login, "XCUP"),
        new("MKD", NavigationCommands.Mkd, Login, "MKD <path>"),
        new("XMKD", NavigationCommands.Mkd, Login, "XMKD <path>"),
        new("RMD", NavigationCommands.Rmd, Login, "RMD <path>"),
        new("XRMD", NavigationCommands.Rmd, Login, "XRMD <path>"),
        new("DELE", NavigationCommands.Dele, Login, "DELE <path>"),
        new("RNFR", NavigationCommands.Rnfr, Login, "RNFR <path>"),
        new("RNTO", NavigationCommands.Rnto, Login, "RNTO <path>"),
        new("SIZE", NavigationCommands.Size, Login, "SIZE <path>"),
        new("MDTM", NavigationCommands.Mdtm, Login, "MDTM <path>"),
        new("MFMT", NavigationCommands.Mfmt, Login, "MFMT <YYYYMMDDHHMMSS> <path>"),
        new("AVBL", NavigationCommands.Avbl, Login, "AVBL [<path>]"),
        new("PASV", DataSetupCommands.Pasv, Setup | Inline, "PASV"),
        new("EPSV", DataSetupCommands.Epsv, Setup | Inline, "EPSV [1 | 2 | ALL]"),
        new("PORT", DataSetupCommands.Port, Setup, "PORT h1,h2,h3,h4,p1,p2"),
        new("EPRT", DataSetupCommands.Eprt, Setup, "EPRT |af|address|port|"),
        new("REST", TransferCommands.Rest, Login | Inline, "REST <offset>"),
        new("RETR", TransferCommands.Retr, Data, "RETR <path>"),
        new("STOR", TransferCommands.Stor, Data, "STOR <path>"),
        new("STOU", TransferCommands.Stou, Data, "STOU"),
        new("APPE", TransferCommands.Appe, Data, "APPE <path>"),
        new("LIST", ListingCommands.List, Data, "LIST [<path>]"),
        new("NLST", ListingCommands.Nlst, Data, "NLST [<path>]"),
        new("MLSD", ListingCommands.Mlsd, Data, "MLSD [<path>]"),
        new("MLST", ListingCommands.Mlst, Login, "MLST [<path>]"),
        new("SITE", SiteCommands.Site, Login, "SITE <command> [<arguments>] (SITE HELP lists them)"),
        new("HASH", HashCommands.Hash, Login, "HASH <path>"),
        new("RANG", HashCommands.Rang, Login, "RANG <start> <end>"),
        new("XCRC", HashCommands.Xcrc, Login, "XCRC <path> [<start> <end>]"),
        new("XMD5", HashCommands.Xmd5, Login, "XMD5 <path> [<start> <end>]"),
        new("XSHA1", HashCommands.Xsha1, Login, "XSHA1 <path> [<start> <end>]"),
        new("XSHA256", HashCommands.Xsha256, Login, "XSHA256 <path> [<start> <end>]"),
        new("XSHA512", HashCommands.Xsha512, Login, "XSHA512 <path> [<start> <end>]"),
    ];

    private static readonly FrozenDictionary<string, CommandDefinition> ByVerb = Rows.ToFrozenDictionary(r => r.Verb, StringComparer.Ordinal);

    public static IReadOnlyList<CommandDefinition> All => Rows;

    public static CommandDefinition? Find(string verb) => ByVerb.GetValueOrDefault(verb);
}

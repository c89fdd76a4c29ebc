using System.Text;
using Ftp.Embedded.Internal.Hashing;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>NOOP, SYST, FEAT, OPTS, HELP, STAT, CLNT, ALLO, TYPE, STRU (MODE is in <see cref="ModeCommands"/>).</summary>
internal static class InfoCommands
{
    public static ValueTask Noop(ICommandContext ctx, FtpRequest request, Pending pending) => ctx.ReplyAsync(FtpReplyCode.Okay, "NOOP okay.");

    public static ValueTask Syst(ICommandContext ctx, FtpRequest request, Pending pending) => ctx.ReplyAsync(FtpReplyCode.SystemType, "UNIX Type: L8");

    public static ValueTask Clnt(ICommandContext ctx, FtpRequest request, Pending pending) => ctx.ReplyAsync(FtpReplyCode.Okay, "Noted.");

    public static ValueTask Allo(ICommandContext ctx, FtpRequest request, Pending pending) => ctx.ReplyAsync(FtpReplyCode.Superfluous, "ALLO not needed here.");

    /// <summary>FEAT (RFC 2389): only what this session can really do.</summary>
    public static ValueTask Feat(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var features = new List<string>();
        if (ctx.Context.Tls.IsEnabled)
        {
            features.AddRange(["AUTH TLS", "AUTH SSL", "PBSZ", "PROT"]);
        }

        if (ctx.Context.Quota is not null || Declares(ctx, FtpFileSystemCapabilities.AvailableSpace))
        {
            features.Add("AVBL");
        }

        features.AddRange(["EPRT", "EPSV", HashNames.Feature(ctx.Settings.HashAlgorithm), "HOST", "MDTM"]);
        if (Declares(ctx, FtpFileSystemCapabilities.ModificationTime))
        {
            features.Add("MFMT");
        }

        features.Add("MLST " + ListingFormatter.FeatFacts(ctx.Settings));
        if (ctx.Context.Options.AllowModeZ)
        {
            features.Add("MODE Z");
        }

        features.AddRange(["PASV", "REST STREAM", "SIZE", "TVFS", "UTF8", "XCRC", "XMD5", "XSHA1", "XSHA256", "XSHA512"]);
        return ctx.ReplyMultilineAsync(FtpReplyCode.SystemStatus, "Features:", features, "End");
    }

    public static async ValueTask Opts(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var argument = request.Argument.Trim();
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        var option = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
        var value = space < 0 ? "" : argument[(space + 1)..].Trim();
        switch (option)
        {
            case "UTF8" or "UTF-8":
                if (value.Length == 0 || value.Equals("ON", StringComparison.OrdinalIgnoreCase))
                {
                    ctx.ChangeSettings(ctx.Settings with { Utf8 = true });
                    await ctx.ReplyAsync(FtpReplyCode.Okay, "UTF8 set to on.");
                }
                else if (value.Equals("OFF", StringComparison.OrdinalIgnoreCase))
                {
                    // Names stay UTF-8 (RFC 2640 recommends it); accept the request so clients carry on.
                    await ctx.ReplyAsync(FtpReplyCode.Okay, "UTF8 set to off; names are still sent as UTF-8.");
                }
                else
                {
                    await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "OPTS UTF8 takes ON or OFF.");
                }

                break;
            case "MODE":
                await ModeCommands.Opts(ctx, value);
                break;
            case "MLST":
                ctx.ChangeSettings(ctx.Settings with { MlstFacts = ListingFormatter.ParseFacts(value) });
                await ctx.ReplyAsync(FtpReplyCode.Okay, "MLST OPTS " + ListingFormatter.SelectedFacts(ctx.Settings.MlstFacts));
                break;
            case "HASH":
                await OptsHash(ctx, value);
                break;
            case "":
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "OPTS needs an option.");
                break;
            default:
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "Option not understood.");
                break;
        }
    }

    /// <summary>OPTS HASH: the selected algorithm; OPTS HASH name: selects it for HASH (504 for one not offered).</summary>
    private static ValueTask OptsHash(ICommandContext ctx, string value)
    {
        if (value.Length == 0)
        {
            return ctx.ReplyAsync(FtpReplyCode.Okay, HashNames.Name(ctx.Settings.HashAlgorithm));
        }

        if (!HashNames.TryParse(value, out var algorithm))
        {
            return ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Unknown algorithm; FEAT lists them: " + string.Join(';', HashNames.All.Select(HashNames.Name)) + ".");
        }

        ctx.ChangeSettings(ctx.Settings with { HashAlgorithm = algorithm });
        return ctx.ReplyAsync(FtpReplyCode.Okay, HashNames.Name(algorithm));
    }

    /// <summary>HELP (RFC 959 section 4.1.3), generated from the command table.</summary>
    public static async ValueTask Help(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (request.HasArgument)
        {
            var verb = request.Argument.Trim().ToUpperInvariant();
            if (CommandTable.Find(verb) is { } command)
            {
                await ctx.ReplyAsync(FtpReplyCode.HelpMessage, "Syntax: " + command.Syntax);
            }
            else
            {
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "Unknown command.");
            }

            return;
        }

        var lines = CommandTable.All.Select(c => c.Verb).Chunk(10).Select(chunk => string.Join(' ', chunk.Select(v => v.PadRight(5))).TrimEnd());
        await ctx.ReplyMultilineAsync(FtpReplyCode.HelpMessage, "The following commands are recognized:", lines, "Help okay; SITE HELP lists the SITE commands.");
    }

    /// <summary>STAT: server status, transfer progress, or a listing over the control connection.</summary>
    public static async ValueTask Stat(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.CurrentTransfer is { Task.IsCompleted: false } transfer)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileStatus, $"Status: {transfer.Description}; {transfer.Bytes} bytes transferred.");
            return;
        }

        if (request.HasArgument)
        {
            if (ctx.Login.Phase != SessionPhase.LoggedIn)
            {
                await ctx.ReplyAsync(FtpReplyCode.NotLoggedIn, "Please log in with USER and PASS first.");
                return;
            }

            await ListingCommands.StatPath(ctx, request);
            return;
        }

        var status = new List<string>
        {
            $"Connected to {ctx.Info.LocalEndPoint.Address} from {ctx.Info.RemoteEndPoint.Address}",
            ctx.Login.LoggedIn?.User is { } user ? $"Logged in as {user.Name}" : "Not logged in",
            $"TYPE: {(ctx.Settings.Type == DataType.Ascii ? "ASCII" : "BINARY")}; STRUcture: File; transfer MODE: {(ctx.Settings.Compressed ? "Deflate" : "Stream")}",
            $"Session timeout in seconds is {(int)ctx.Context.Options.Limits.IdleTimeout.TotalSeconds}",
            ctx.HasPreparedData ? "Data connection prepared" : "No data connection",
        };
        await ctx.ReplyMultilineAsync(FtpReplyCode.SystemStatus, "FTP server status:", status, "End of status.");
    }

    /// <summary>TYPE A [N], TYPE I, TYPE L 8 (RFC 959 section 3.1.1).</summary>
    public static async ValueTask Type(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var parts = request.Argument.ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DataType? type = parts switch
        {
            ["A"] or ["A", "N"] => DataType.Ascii,
            ["I"] or ["L", "8"] => DataType.Binary,
            _ => null,
        };
        if (type is { } t)
        {
            ctx.ChangeSettings(ctx.Settings with { Type = t });
            await ctx.ReplyAsync(FtpReplyCode.Okay, t == DataType.Ascii ? "Type set to A." : "Type set to I.");
        }
        else if (parts is ["A" or "E", ..] or ["L", ..] or ["E"])
        {
            await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Type not supported; use A or I.");
        }
        else
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "TYPE takes A, I or L 8.");
        }
    }

    public static ValueTask Stru(ICommandContext ctx, FtpRequest request, Pending pending)
        => SingleLetter(ctx, request, "F", "Structure set to F.", "Only file structure (F) is supported.", "STRU");

    /// <summary>What the provider declares, so FEAT says the same before and after login (lftp reads it before only).</summary>
    internal static bool Declares(ICommandContext ctx, FtpFileSystemCapabilities capability)
        => (ctx.Context.FileSystemProvider.Capabilities & capability) == capability;

    private static ValueTask SingleLetter(ICommandContext ctx, FtpRequest request, string supported, string ok, string unsupported, string verb)
    {
        var argument = request.Argument.Trim();
        if (argument.Equals(supported, StringComparison.OrdinalIgnoreCase))
        {
            return ctx.ReplyAsync(FtpReplyCode.Okay, ok);
        }

        return argument.Length == 1 && char.IsAsciiLetter(argument[0])
            ? ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, unsupported)
            : ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, $"{verb} takes one letter.");
    }

    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }
}

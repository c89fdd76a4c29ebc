using Ftp.Embedded.Internal.Observability;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>
/// MODE S and MODE Z (draft-preston-ftpext-deflate: a zlib stream on every data connection until MODE S), and
/// <c>OPTS MODE Z LEVEL n</c>. MODE B and C are not implemented (504).
/// </summary>
internal static class ModeCommands
{
    public static async ValueTask Mode(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var argument = request.Argument.Trim().ToUpperInvariant();
        switch (argument)
        {
            case "S":
                ctx.ChangeSettings(ctx.Settings with { Compressed = false });
                await ctx.ReplyAsync(FtpReplyCode.Okay, "Mode set to S.");
                break;
            case "Z" when ctx.Context.Options.AllowModeZ:
                ctx.ChangeSettings(ctx.Settings with { Compressed = true });
                FtpLog.ModeZ(ctx.Context.Logger, ctx.Info.Id, ctx.Settings.CompressionLevel);
                await ctx.ReplyAsync(FtpReplyCode.Okay, "Mode set to Z.");
                break;
            case [var letter] when char.IsAsciiLetter(letter):
                await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, ctx.Context.Options.AllowModeZ
                    ? "Only stream mode (S) and deflate mode (Z) are supported."
                    : "Only stream mode (S) is supported.");
                break;
            default:
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "MODE takes one letter.");
                break;
        }
    }

    /// <summary><c>OPTS MODE Z LEVEL n</c>: <paramref name="value"/> is what follows <c>OPTS MODE</c>.</summary>
    public static ValueTask Opts(ICommandContext ctx, string value)
    {
        if (!ctx.Context.Options.AllowModeZ)
        {
            return ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "Option not understood.");
        }

        if (ParseLevel(value) is not { } level)
        {
            return ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "OPTS MODE takes Z LEVEL and a level from 0 to 9.");
        }

        ctx.ChangeSettings(ctx.Settings with { CompressionLevel = level });
        return ctx.ReplyAsync(FtpReplyCode.Okay, $"MODE Z LEVEL set to {level}.");
    }

    /// <summary>The level of <c>Z LEVEL n</c> (any case, any spacing), 0 to 9; <see langword="null"/> for anything else.</summary>
    internal static int? ParseLevel(string value)
        => value.ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["Z", "LEVEL", [>= '0' and <= '9'] digit]
            ? digit[0] - '0'
            : null;

    /// <summary>
    /// REST in MODE Z: refused (504), as proftpd does, except <c>REST 0</c>, which restarts nothing. MODE Z sent after a
    /// REST keeps the offset: the transfer then carries the file from there, compressed.
    /// </summary>
    public static bool RefusesRestart(ICommandContext ctx, long offset, out string text)
    {
        text = "REST is not available in MODE Z; send MODE S first.";
        return offset > 0 && ctx.Settings.Compressed;
    }
}

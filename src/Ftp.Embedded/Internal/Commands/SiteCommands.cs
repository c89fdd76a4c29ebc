using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>SITE: the built-in CHMOD, UTIME and HELP, then the application's own commands.</summary>
internal static class SiteCommands
{
    public static async ValueTask Site(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var argument = request.Argument.Trim();
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        var name = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
        var rest = space < 0 ? "" : argument[(space + 1)..].TrimStart();
        switch (name)
        {
            case "":
                await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "SITE needs a command; SITE HELP lists them.");
                break;
            case "CHMOD":
                await SiteFileCommands.Chmod(ctx, rest);
                break;
            case "UTIME":
                await SiteFileCommands.Utime(ctx, rest);
                break;
            case "HELP":
                await Help(ctx, rest.ToUpperInvariant());
                break;
            default:
                if (ctx.Context.SiteCommands.TryGetValue(name, out var command))
                {
                    await ApplicationCommand.RunAsync(ctx, command, rest);
                }
                else
                {
                    await ctx.ReplyAsync(FtpReplyCode.NotImplemented, $"SITE {InfoCommands.Escape(Shorten(name))} not understood; SITE HELP lists the SITE commands.");
                }

                break;
        }
    }

    /// <summary>What SITE HELP lists: only what works on this server (CHMOD and UTIME when the filesystem can).</summary>
    internal static IEnumerable<(string Name, string Syntax)> Available(ICommandContext ctx)
    {
        if (ctx.Context.Options.AllowSiteChmod && InfoCommands.Declares(ctx, FtpFileSystemCapabilities.UnixMode))
        {
            yield return ("CHMOD", "SITE CHMOD <octal mode> <path>");
        }

        if (InfoCommands.Declares(ctx, FtpFileSystemCapabilities.ModificationTime))
        {
            yield return ("UTIME", "SITE UTIME <YYYYMMDDhhmmss> <path> | SITE UTIME <path> <YYYYMMDDhhmmss> | SITE UTIME <path> <atime> <mtime> <ctime> UTC");
        }

        yield return ("HELP", "SITE HELP [<command>]");
        foreach (var command in ctx.Context.SiteCommands.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            yield return (command.Name, "SITE " + (command.Syntax ?? command.Name));
        }
    }

    private static async ValueTask Help(ICommandContext ctx, string name)
    {
        var commands = Available(ctx).ToList();
        if (name.Length > 0)
        {
            var found = commands.Find(c => c.Name == name);
            await (found.Name is null
                ? ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, $"Unknown SITE command {InfoCommands.Escape(Shorten(name))}.")
                : ctx.ReplyAsync(FtpReplyCode.HelpMessage, "Syntax: " + InfoCommands.Escape(found.Syntax)));
            return;
        }

        await ctx.ReplyMultilineAsync(FtpReplyCode.HelpMessage, "The following SITE commands are recognized:",
            commands.Select(c => InfoCommands.Escape(c.Syntax)), "Help okay.");
    }

    private static string Shorten(string name) => name.Length > 40 ? name[..40] + "…" : name;
}

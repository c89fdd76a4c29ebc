using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>SITE CHMOD and SITE UTIME: changes to a file's metadata, checked like every other write.</summary>
internal static class SiteFileCommands
{
    /// <summary>0777: permission bits only, never setuid, setgid or sticky.</summary>
    private const int MaxMode = 511;

    /// <summary>SITE CHMOD mode path: octal <c>0</c> to <c>0777</c>; never for anonymous users.</summary>
    public static async ValueTask Chmod(ICommandContext ctx, string argument)
    {
        if (!ctx.Context.Options.AllowSiteChmod)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "SITE CHMOD is disabled on this server.");
            return;
        }

        if (ctx.LoggedIn.FileSystem is not IFtpUnixModeFileSystem setter)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "SITE CHMOD is not supported by this filesystem.");
            return;
        }

        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !TryParseMode(argument.AsSpan(0, space), out var mode))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "SITE CHMOD takes an octal mode from 0 to 777 and a path.");
            return;
        }

        if (ctx.LoggedIn.User.IsAnonymous)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied: anonymous users cannot change modes.");
            return;
        }

        var path = await FindAsync(ctx, argument[(space + 1)..].TrimStart());
        if (path is null)
        {
            return;
        }

        await setter.SetUnixModeAsync(path, mode, ctx.Aborted);
        var octal = Convert.ToString(mode, 8).PadLeft(4, '0');
        FtpLog.ModeChanged(ctx.Context.Logger, ctx.Info.Id, ctx.LoggedIn.User.Name, path, octal);
        await ctx.ReplyAsync(FtpReplyCode.Okay, $"Mode of {ReplyWriter.QuotePath(path)} set to {octal}.");
    }

    /// <summary>
    /// SITE UTIME in the three forms clients send: <c>time path</c> (proftpd, lftp), <c>path time</c>, and
    /// <c>path atime mtime ctime UTC</c> (Pure-FTPd, lftp), of which the modification time is used.
    /// </summary>
    public static async ValueTask Utime(ICommandContext ctx, string argument)
    {
        if (ctx.LoggedIn.FileSystem is not IFtpModificationTimeFileSystem setter)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "SITE UTIME is not supported by this filesystem.");
            return;
        }

        if (ParseUtime(argument) is not { } parsed)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "SITE UTIME takes <YYYYMMDDhhmmss> <path>, <path> <YYYYMMDDhhmmss>, or <path> <atime> <mtime> <ctime> UTC.");
            return;
        }

        var path = await FindAsync(ctx, parsed.Path);
        if (path is null)
        {
            return;
        }

        await setter.SetLastWriteTimeAsync(path, parsed.Time, ctx.Aborted);
        await ctx.ReplyAsync(FtpReplyCode.Okay, $"Modification time of {ReplyWriter.QuotePath(path)} set to {ListingFormatter.FormatTime(parsed.Time)}.");
    }

    /// <summary>The path and modification time of a SITE UTIME argument, or <see langword="null"/> when it fits no form.</summary>
    internal static (string Path, DateTimeOffset Time)? ParseUtime(string argument)
    {
        var text = argument.Trim();
        // path atime mtime ctime UTC
        if (SplitLast(text) is ({ } h1, var utc) && utc.Equals("UTC", StringComparison.OrdinalIgnoreCase)
            && SplitLast(h1) is ({ } h2, var ctime) && SplitLast(h2) is ({ } h3, var mtime) && SplitLast(h3) is ({ } path5, var atime)
            && IsTime(ctime) && IsTime(atime) && ListingFormatter.TryParseTime(mtime, out var modified) && path5.Length > 0)
        {
            return (path5, modified);
        }

        // time path
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && ListingFormatter.TryParseTime(text.AsSpan(0, space), out var first) && text[(space + 1)..].TrimStart() is { Length: > 0 } path2)
        {
            return (path2, first);
        }

        // path time
        if (SplitLast(text) is ({ Length: > 0 } pathFirst, var last) && ListingFormatter.TryParseTime(last, out var lastTime))
        {
            return (pathFirst, lastTime);
        }

        return null;

        static bool IsTime(string token) => ListingFormatter.TryParseTime(token, out _);
    }

    internal static bool TryParseMode(ReadOnlySpan<char> text, out int mode)
    {
        mode = 0;
        if (text.Length is 0 or > 4)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mode = (mode * 8) + (c - '0');
        }

        return mode <= MaxMode;
    }

    /// <summary>Resolves an existing file or directory that the user may write; replies 550/553 and returns null otherwise.</summary>
    private static async ValueTask<string?> FindAsync(ICommandContext ctx, string given)
    {
        var path = await Permissions.ResolveAsync(ctx, given);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Write, path))
        {
            return null;
        }

        if (path == VirtualPath.Root || await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted) is null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, path == VirtualPath.Root ? "The root cannot be changed." : "No such file or directory.");
            return null;
        }

        return path;
    }

    private static (string? Head, string Last) SplitLast(string text)
    {
        var space = text.LastIndexOf(' ');
        return space < 0 ? (null, text) : (text[..space].TrimEnd(), text[(space + 1)..]);
    }
}

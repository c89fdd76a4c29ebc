using System.Globalization;
using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>PWD, CWD, CDUP, MKD, RMD, DELE, RNFR, RNTO, SIZE, MDTM, MFMT.</summary>
internal static class NavigationCommands
{
    public static ValueTask Pwd(ICommandContext ctx, FtpRequest request, Pending pending)
        => ctx.ReplyAsync(FtpReplyCode.PathnameCreated, $"{ReplyWriter.QuotePath(ctx.LoggedIn.CurrentDirectory)} is the current directory.");

    public static async ValueTask Cwd(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null)
        {
            return;
        }

        await ChangeDirectoryAsync(ctx, path);
    }

    public static async ValueTask Cdup(ICommandContext ctx, FtpRequest request, Pending pending)
        => await ChangeDirectoryAsync(ctx, VirtualPath.GetParent(ctx.LoggedIn.CurrentDirectory));

    public static async ValueTask Mkd(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.CreateDirectory, path))
        {
            return;
        }

        if (path == VirtualPath.Root || await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted) is not null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot create directory: the name exists already.");
            return;
        }

        await ctx.LoggedIn.FileSystem.CreateDirectoryAsync(path, ctx.Aborted);
        await ctx.ReplyAsync(FtpReplyCode.PathnameCreated, $"{ReplyWriter.QuotePath(path)} created.");
    }

    public static async ValueTask Rmd(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Delete, path))
        {
            return;
        }

        var info = path == VirtualPath.Root ? null : await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is not { IsDirectory: true })
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, path == VirtualPath.Root ? "Cannot remove the root directory." : "No such directory.");
            return;
        }

        try
        {
            await ctx.LoggedIn.FileSystem.DeleteDirectoryAsync(path, ctx.Aborted);
        }
        catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException))
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot remove directory: it is not empty.");
            return;
        }

        await ctx.ReplyAsync(FtpReplyCode.FileActionOkay, "Directory removed.");
    }

    public static async ValueTask Dele(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Delete, path))
        {
            return;
        }

        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null || info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Is a directory; use RMD.");
            return;
        }

        await ctx.LoggedIn.FileSystem.DeleteFileAsync(path, ctx.Aborted);
        await ctx.ReplyAsync(FtpReplyCode.FileActionOkay, "File deleted.");
    }

    public static async ValueTask Rnfr(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Rename, path))
        {
            return;
        }

        if (path == VirtualPath.Root || await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted) is null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        ctx.SetRenameFrom(path);
        await ctx.ReplyAsync(FtpReplyCode.PendingFurtherInformation, "Ready for RNTO.");
    }

    public static async ValueTask Rnto(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (pending.RenameFrom is not { } from)
        {
            await ctx.ReplyAsync(FtpReplyCode.BadSequence, "Send RNFR first.");
            return;
        }

        var to = await Permissions.RequirePathAsync(ctx, request);
        if (to is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Rename, to))
        {
            return;
        }

        if (to == VirtualPath.Root || to == from || to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            await ctx.ReplyAsync(FtpReplyCode.FileNameNotAllowed, "Cannot rename to that name.");
            return;
        }

        var target = await ctx.LoggedIn.FileSystem.GetInfoAsync(to, ctx.Aborted);
        if (target is { IsDirectory: true })
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot rename: a directory with that name exists.");
            return;
        }

        await ctx.LoggedIn.FileSystem.RenameAsync(from, to, ctx.Aborted);
        await ctx.ReplyAsync(FtpReplyCode.FileActionOkay, "Rename successful.");
    }

    public static async ValueTask Size(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var info = await GetFileAsync(ctx, request);
        if (info is not null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileStatus, info.Length.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static async ValueTask Mdtm(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var info = await GetFileAsync(ctx, request);
        if (info is not null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileStatus, ListingFormatter.FormatTime(info.LastWriteTime));
        }
    }

    /// <summary>
    /// AVBL (draft-peterson-streamlined-ftp-command-extensions): the bytes the user may still store in a directory (the
    /// current one without argument): the smaller of the quota's figure and the filesystem's free space.
    /// </summary>
    public static async ValueTask Avbl(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = request.HasArgument ? await Permissions.ResolveAsync(ctx, request.Argument) : ctx.LoggedIn.CurrentDirectory;
        if (path is null)
        {
            return;
        }

        var user = ctx.LoggedIn.User;
        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        if (!user.Can(FtpPermissions.Write) && !Permissions.IsUploadOnly(user, path))
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied: no uploads here.");
            return;
        }

        long? available = null;
        if (ctx.Context.Quota is { } quota)
        {
            available = await quota.GetAvailableBytesAsync(user, path, ctx.Aborted);
        }

        if (ctx.LoggedIn.FileSystem is IFtpAvailableSpaceFileSystem space && await space.GetAvailableSpaceAsync(path, ctx.Aborted) is { } free)
        {
            available = available is { } limit ? Math.Min(limit, free) : free;
        }

        if (available is not { } bytes)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "The available space is not known here.");
            return;
        }

        await ctx.ReplyAsync(FtpReplyCode.FileStatus, Math.Max(0, bytes).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>MFMT (draft-somers-ftp-mfxx): <c>MFMT YYYYMMDDHHMMSS path</c>.</summary>
    public static async ValueTask Mfmt(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.LoggedIn.FileSystem is not IFtpModificationTimeFileSystem setter)
        {
            await ctx.ReplyAsync(FtpReplyCode.NotImplemented, "MFMT is not supported by this filesystem.");
            return;
        }

        var space = request.Argument.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !ListingFormatter.TryParseTime(request.Argument.AsSpan(0, space), out var time))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "MFMT takes YYYYMMDDHHMMSS[.sss] and a path.");
            return;
        }

        var given = request.Argument[(space + 1)..];
        var path = await Permissions.ResolveAsync(ctx, given);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Write, path))
        {
            return;
        }

        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null || info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file.");
            return;
        }

        await setter.SetLastWriteTimeAsync(path, time, ctx.Aborted);
        // The path as given, as the MFMT draft's example and other servers (proftpd) reply.
        await ctx.ReplyAsync(FtpReplyCode.FileStatus, $"Modify={ListingFormatter.FormatTime(time)}; {given}");
    }

    private static async ValueTask<FtpFileInfo?> GetFileAsync(ICommandContext ctx, FtpRequest request)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Read, path))
        {
            return null;
        }

        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null || info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Not a plain file.");
            return null;
        }

        return info;
    }

    private static async ValueTask ChangeDirectoryAsync(ICommandContext ctx, string path)
    {
        if (path != VirtualPath.Root)
        {
            var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
            if (info is not { IsDirectory: true })
            {
                await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such directory." : "Not a directory.");
                return;
            }
        }

        ctx.ChangeDirectory(path);
        await ctx.ReplyAsync(FtpReplyCode.FileActionOkay, $"Directory changed to {path}.");
    }
}

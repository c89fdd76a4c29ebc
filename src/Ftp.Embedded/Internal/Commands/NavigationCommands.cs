using System.Globalization;
using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>PWD, CWD, CDUP, MKD, RMD, DELE, RNFR, RNTO, SIZE, MDTM, MFMT.</summary>
internal static class NavigationCommands
{
    public static ValueTask Pwd(FtpSession session, FtpRequest request, Pending pending)
        => session.ReplyAsync(FtpReplyCode.PathnameCreated, $"{ReplyWriter.QuotePath(session.CurrentDirectory)} is the current directory.");

    public static async ValueTask Cwd(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null)
        {
            return;
        }

        await ChangeDirectoryAsync(session, path);
    }

    public static async ValueTask Cdup(FtpSession session, FtpRequest request, Pending pending)
        => await ChangeDirectoryAsync(session, VirtualPath.GetParent(session.CurrentDirectory));

    public static async ValueTask Mkd(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.CreateDirectory, path))
        {
            return;
        }

        if (path == VirtualPath.Root || await session.FileSystem!.GetInfoAsync(path, session.Aborted) is not null)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot create directory: the name exists already.");
            return;
        }

        await session.FileSystem!.CreateDirectoryAsync(path, session.Aborted);
        await session.ReplyAsync(FtpReplyCode.PathnameCreated, $"{ReplyWriter.QuotePath(path)} created.");
    }

    public static async ValueTask Rmd(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Delete, path))
        {
            return;
        }

        var info = path == VirtualPath.Root ? null : await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        if (info is not { IsDirectory: true })
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, path == VirtualPath.Root ? "Cannot remove the root directory." : "No such directory.");
            return;
        }

        try
        {
            await session.FileSystem!.DeleteDirectoryAsync(path, session.Aborted);
        }
        catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException))
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot remove directory: it is not empty.");
            return;
        }

        await session.ReplyAsync(FtpReplyCode.FileActionOkay, "Directory removed.");
    }

    public static async ValueTask Dele(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Delete, path))
        {
            return;
        }

        var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        if (info is null || info.IsDirectory)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Is a directory; use RMD.");
            return;
        }

        await session.FileSystem!.DeleteFileAsync(path, session.Aborted);
        await session.ReplyAsync(FtpReplyCode.FileActionOkay, "File deleted.");
    }

    public static async ValueTask Rnfr(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Rename, path))
        {
            return;
        }

        if (path == VirtualPath.Root || await session.FileSystem!.GetInfoAsync(path, session.Aborted) is null)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        session.Pending = session.Pending with { RenameFrom = path };
        await session.ReplyAsync(FtpReplyCode.PendingFurtherInformation, "Ready for RNTO.");
    }

    public static async ValueTask Rnto(FtpSession session, FtpRequest request, Pending pending)
    {
        if (pending.RenameFrom is not { } from)
        {
            await session.ReplyAsync(FtpReplyCode.BadSequence, "Send RNFR first.");
            return;
        }

        var to = await Permissions.RequirePathAsync(session, request);
        if (to is null || !await Permissions.DemandAsync(session, FtpPermissions.Rename, to))
        {
            return;
        }

        if (to == VirtualPath.Root || to == from || to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            await session.ReplyAsync(FtpReplyCode.FileNameNotAllowed, "Cannot rename to that name.");
            return;
        }

        var target = await session.FileSystem!.GetInfoAsync(to, session.Aborted);
        if (target is { IsDirectory: true })
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Cannot rename: a directory with that name exists.");
            return;
        }

        await session.FileSystem!.RenameAsync(from, to, session.Aborted);
        await session.ReplyAsync(FtpReplyCode.FileActionOkay, "Rename successful.");
    }

    public static async ValueTask Size(FtpSession session, FtpRequest request, Pending pending)
    {
        var info = await GetFileAsync(session, request);
        if (info is not null)
        {
            await session.ReplyAsync(FtpReplyCode.FileStatus, info.Length.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static async ValueTask Mdtm(FtpSession session, FtpRequest request, Pending pending)
    {
        var info = await GetFileAsync(session, request);
        if (info is not null)
        {
            await session.ReplyAsync(FtpReplyCode.FileStatus, ListingFormatter.FormatTime(info.LastWriteTime));
        }
    }

    /// <summary>
    /// AVBL (draft-peterson-streamlined-ftp-command-extensions): the bytes the user may still store in a directory (the
    /// current one without argument): the smaller of the quota's figure and the filesystem's free space.
    /// </summary>
    public static async ValueTask Avbl(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = request.HasArgument ? await Permissions.ResolveAsync(session, request.Argument) : session.CurrentDirectory;
        if (path is null)
        {
            return;
        }

        var user = session.User!;
        var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        if (info is null)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        if (!user.Can(FtpPermissions.Write) && !Permissions.IsUploadOnly(user, path))
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied: no uploads here.");
            return;
        }

        long? available = null;
        if (session.Context.Quota is { } quota)
        {
            available = await quota.GetAvailableBytesAsync(user, path, session.Aborted);
        }

        if (session.FileSystem is IFtpAvailableSpaceFileSystem space && await space.GetAvailableSpaceAsync(path, session.Aborted) is { } free)
        {
            available = available is { } limit ? Math.Min(limit, free) : free;
        }

        if (available is not { } bytes)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "The available space is not known here.");
            return;
        }

        await session.ReplyAsync(FtpReplyCode.FileStatus, Math.Max(0, bytes).ToString(CultureInfo.InvariantCulture));
    }

    internal static bool SupportsAvailableSpace(FtpSession session)
        => session.Context.Quota is not null
           || session.FileSystem is IFtpAvailableSpaceFileSystem
           || (session.FileSystem is null && session.Context.FileSystemProvider is PhysicalFileSystemProvider);

    /// <summary>MFMT (draft-somers-ftp-mfxx): <c>MFMT YYYYMMDDHHMMSS path</c>.</summary>
    public static async ValueTask Mfmt(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.FileSystem is not IFtpModificationTimeFileSystem setter)
        {
            await session.ReplyAsync(FtpReplyCode.NotImplemented, "MFMT is not supported by this filesystem.");
            return;
        }

        var space = request.Argument.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !ListingFormatter.TryParseTime(request.Argument.AsSpan(0, space), out var time))
        {
            await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "MFMT takes YYYYMMDDHHMMSS[.sss] and a path.");
            return;
        }

        var given = request.Argument[(space + 1)..];
        var path = await Permissions.ResolveAsync(session, given);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Write, path))
        {
            return;
        }

        var info = await session.FileSystem.GetInfoAsync(path, session.Aborted);
        if (info is null || info.IsDirectory)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file.");
            return;
        }

        await setter.SetLastWriteTimeAsync(path, time, session.Aborted);
        // The path as given, as the MFMT draft's example and other servers (proftpd) reply.
        await session.ReplyAsync(FtpReplyCode.FileStatus, $"Modify={ListingFormatter.FormatTime(time)}; {given}");
    }

    private static async ValueTask<FtpFileInfo?> GetFileAsync(FtpSession session, FtpRequest request)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Read, path))
        {
            return null;
        }

        var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        if (info is null || info.IsDirectory)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Not a plain file.");
            return null;
        }

        return info;
    }

    private static async ValueTask ChangeDirectoryAsync(FtpSession session, string path)
    {
        if (path != VirtualPath.Root)
        {
            var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
            if (info is not { IsDirectory: true })
            {
                await session.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such directory." : "Not a directory.");
                return;
            }
        }

        session.CurrentDirectory = path;
        await session.ReplyAsync(FtpReplyCode.FileActionOkay, $"Directory changed to {path}.");
    }
}

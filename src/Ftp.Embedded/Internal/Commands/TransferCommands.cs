using System.Globalization;
using System.Security.Cryptography;
using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>REST, RETR, STOR, STOU, APPE, ABOR.</summary>
internal static class TransferCommands
{
    /// <summary>REST n (RFC 3659 section 5): applies to the next RETR, STOR or APPE only.</summary>
    public static async ValueTask Rest(FtpSession session, FtpRequest request, Pending pending)
    {
        if (!long.TryParse(request.Argument.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            await session.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "REST takes a byte offset of 0 or more.");
            return;
        }

        session.Pending = session.Pending with { RestartOffset = offset };
        await session.ReplyAsync(FtpReplyCode.PendingFurtherInformation, $"Restarting at {offset}. Send RETR, STOR or APPE to start the transfer.");
    }

    public static async ValueTask Retr(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null || !await Permissions.DemandAsync(session, FtpPermissions.Read, path))
        {
            return;
        }

        var fileSystem = session.FileSystem!;
        var info = await fileSystem.GetInfoAsync(path, session.Aborted);
        if (info is null || info.IsDirectory)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Not a plain file.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > info.Length)
        {
            await session.ReplyAsync(FtpReplyCode.InvalidRestParameter, $"Restart offset {offset} is beyond the end of the file ({info.Length} bytes).");
            return;
        }

        await StartAsync(session, new DownloadRequest(path, offset, info.Length, Binary(session)));
    }

    public static ValueTask Stor(FtpSession session, FtpRequest request, Pending pending)
        => StoreAsync(session, request, pending, append: false);

    public static ValueTask Appe(FtpSession session, FtpRequest request, Pending pending)
        => StoreAsync(session, request, pending, append: true);

    /// <summary>STOU (RFC 1123 section 4.1.2.9): store under a new unique name, told in the 150 reply.</summary>
    public static async ValueTask Stou(FtpSession session, FtpRequest request, Pending pending)
    {
        // Like STOR: Write permission, or the anonymous upload folder (a unique name is always a new file there).
        var user = session.User!;
        if (!user.Can(FtpPermissions.Write) && !Permissions.IsUploadOnly(user, VirtualPath.Combine(session.CurrentDirectory, "stou")))
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied.");
            return;
        }

        var fileSystem = session.FileSystem!;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var name = "stou-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var path = VirtualPath.Combine(session.CurrentDirectory, name);
            if (await fileSystem.GetInfoAsync(path, session.Aborted) is null)
            {
                await UploadAsync(session, new UploadRequest(path, FtpWriteMode.Create, 0, Atomic: false, Binary(session)) { Unique = true });
                return;
            }
        }

        await session.ReplyAsync(FtpReplyCode.LocalError, "Could not find a unique name; try again.");
    }

    /// <summary>ABOR: during a transfer 426 (from the transfer) then 226; otherwise 225.</summary>
    public static async ValueTask Abor(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.CurrentTransfer is { Task.IsCompleted: false } transfer)
        {
            transfer.Cancel(TransferCancelReason.Abort);
            await transfer.Task;
            await session.ReplyAsync(FtpReplyCode.ClosingDataConnection, "ABOR command successful.");
            return;
        }

        session.SetPreparedData(null);
        await session.ReplyAsync(FtpReplyCode.DataConnectionOpen, "No transfer to abort.");
    }

    private static async ValueTask StoreAsync(FtpSession session, FtpRequest request, Pending pending, bool append)
    {
        var path = await Permissions.RequirePathAsync(session, request);
        if (path is null)
        {
            return;
        }

        var user = session.User!;
        var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        var uploadOnly = Permissions.IsUploadOnly(user, path);
        if (!user.Can(FtpPermissions.Write) && !(uploadOnly && info is null && !append && pending.RestartOffset == 0))
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, uploadOnly ? "Permission denied: files here cannot be overwritten." : "Permission denied.");
            return;
        }

        if (info is { IsDirectory: true } || path == VirtualPath.Root)
        {
            await session.ReplyAsync(FtpReplyCode.FileUnavailable, "Is a directory.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > 0 && offset > (info?.Length ?? 0))
        {
            await session.ReplyAsync(FtpReplyCode.InvalidRestParameter, $"Restart offset {offset} is beyond the end of the file ({info?.Length ?? 0} bytes).");
            return;
        }

        var mode = append ? FtpWriteMode.Append : offset > 0 ? FtpWriteMode.WriteAt : FtpWriteMode.Create;
        var atomic = mode == FtpWriteMode.Create && session.Context.Options.Uploads.Atomic;
        await UploadAsync(session, new UploadRequest(path, mode, offset, atomic, Binary(session)));
    }

    /// <summary>Checks the quota (552 when it is used up), then starts the upload with what is left of it as its limit.</summary>
    private static async ValueTask UploadAsync(FtpSession session, UploadRequest request)
    {
        var limit = long.MaxValue;
        if (session.Context.Quota is { } quota && await quota.GetAvailableBytesAsync(session.User!, request.Path, session.Aborted) is { } available)
        {
            if (available <= 0)
            {
                session.SetPreparedData(null);
                await session.ReplyAsync(FtpReplyCode.ExceededStorageAllocation, "Requested file action aborted: exceeded storage allocation (quota).");
                return;
            }

            limit = available;
        }

        await StartAsync(session, request with { Limit = limit });
    }

    /// <summary>Starts a file transfer; the TLS policy for data connections is settled here, before the session runs it.</summary>
    private static ValueTask StartAsync(FtpSession session, TransferRequest request)
        => session.StartTransferAsync(request with { ProtectionRequired = TlsRequirements.RequiresTls(session, forData: true) });

    private static bool Binary(FtpSession session) => session.Settings.Type == DataType.Binary;
}

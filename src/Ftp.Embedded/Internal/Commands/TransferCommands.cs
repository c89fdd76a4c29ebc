using System.Globalization;
using System.Security.Cryptography;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.FileSystems;
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
            await session.ReplyAsync(501, "REST takes a byte offset of 0 or more.");
            return;
        }

        session.Pending = session.Pending with { RestartOffset = offset };
        await session.ReplyAsync(350, $"Restarting at {offset}. Send RETR, STOR or APPE to start the transfer.");
    }

    public static async ValueTask Retr(FtpSession session, FtpRequest request, Pending pending)
    {
        var path = await Access.RequirePathAsync(session, request);
        if (path is null || !await Access.DemandAsync(session, FtpPermissions.Read, path))
        {
            return;
        }

        var fileSystem = session.FileSystem!;
        var info = await fileSystem.GetInfoAsync(path, session.Aborted);
        if (info is null || info.IsDirectory)
        {
            await session.ReplyAsync(550, info is null ? "No such file." : "Not a plain file.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > info.Length)
        {
            await session.ReplyAsync(554, $"Restart offset {offset} is beyond the end of the file ({info.Length} bytes).");
            return;
        }

        var file = await fileSystem.OpenReadAsync(path, offset, session.Aborted);
        var binary = session.Settings.Type == DataType.Binary;
        var opening = $"Opening {(binary ? "BINARY" : "ASCII")} mode data connection for {VirtualPath.GetName(path)} ({info.Length - offset} bytes).";
        await session.StartTransferAsync(opening, async (socket, stream, transfer, ct) =>
        {
            if (binary && file is FileStream fileStream && stream is System.Net.Sockets.NetworkStream)
            {
                await DataCopy.SendFileAsync(socket, fileStream, offset, transfer, ct);
            }
            else if (binary)
            {
                await DataCopy.CopyAsync(file, stream, transfer, ct);
            }
            else
            {
                await DataCopy.CopyToAsciiAsync(file, stream, transfer, ct);
            }
        }, new TransferAudit(FtpTransferDirection.Download, path), async _ => await file.DisposeAsync());
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
        if (!user.Can(FtpPermissions.Write) && !Access.IsUploadOnly(user, VirtualPath.Combine(session.CurrentDirectory, "stou")))
        {
            await session.ReplyAsync(550, "Permission denied.");
            return;
        }

        var fileSystem = session.FileSystem!;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var name = "stou-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var path = VirtualPath.Combine(session.CurrentDirectory, name);
            if (await fileSystem.GetInfoAsync(path, session.Aborted) is null)
            {
                await UploadAsync(session, path, FtpWriteMode.Create, 0, atomic: false, $"FILE: {name}");
                return;
            }
        }

        await session.ReplyAsync(451, "Could not find a unique name; try again.");
    }

    /// <summary>ABOR: during a transfer 426 (from the transfer) then 226; otherwise 225.</summary>
    public static async ValueTask Abor(FtpSession session, FtpRequest request, Pending pending)
    {
        if (session.CurrentTransfer is { Task.IsCompleted: false } transfer)
        {
            transfer.Cancel(TransferCancelReason.Abort);
            await transfer.Task;
            await session.ReplyAsync(226, "ABOR command successful.");
            return;
        }

        session.SetPreparedData(null);
        await session.ReplyAsync(225, "No transfer to abort.");
    }

    private static async ValueTask StoreAsync(FtpSession session, FtpRequest request, Pending pending, bool append)
    {
        var path = await Access.RequirePathAsync(session, request);
        if (path is null)
        {
            return;
        }

        var user = session.User!;
        var info = await session.FileSystem!.GetInfoAsync(path, session.Aborted);
        var uploadOnly = Access.IsUploadOnly(user, path);
        if (!user.Can(FtpPermissions.Write) && !(uploadOnly && info is null && !append && pending.RestartOffset == 0))
        {
            await session.ReplyAsync(550, uploadOnly ? "Permission denied: files here cannot be overwritten." : "Permission denied.");
            return;
        }

        if (info is { IsDirectory: true } || path == VirtualPath.Root)
        {
            await session.ReplyAsync(550, "Is a directory.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > 0 && offset > (info?.Length ?? 0))
        {
            await session.ReplyAsync(554, $"Restart offset {offset} is beyond the end of the file ({info?.Length ?? 0} bytes).");
            return;
        }

        var mode = append ? FtpWriteMode.Append : offset > 0 ? FtpWriteMode.WriteAt : FtpWriteMode.Create;
        var atomic = mode == FtpWriteMode.Create && session.Context.Options.Uploads.Atomic;
        var binary = session.Settings.Type == DataType.Binary;
        await UploadAsync(session, path, mode, offset, atomic,
            $"Opening {(binary ? "BINARY" : "ASCII")} mode data connection for {VirtualPath.GetName(path)}.");
    }

    private static async ValueTask UploadAsync(FtpSession session, string path, FtpWriteMode mode, long offset, bool atomic, string opening)
    {
        var fileSystem = session.FileSystem!;
        var limit = long.MaxValue;
        if (session.Context.Quota is { } quota && await quota.GetAvailableBytesAsync(session.User!, path, session.Aborted) is { } available)
        {
            if (available <= 0)
            {
                session.SetPreparedData(null);
                await session.ReplyAsync(552, "Requested file action aborted: exceeded storage allocation (quota).");
                return;
            }

            limit = available;
        }

        // Atomic STOR: the filesystem's own upload, or a hidden temporary file renamed over the target after a clean
        // end; either way a failed upload keeps the previous file.
        IFtpUpload? upload = null;
        Stream file;
        if (atomic)
        {
            upload = fileSystem is IFtpAtomicUploadFileSystem atomicFileSystem
                ? await atomicFileSystem.BeginUploadAsync(path, session.Aborted)
                : await TemporaryFileUpload.BeginAsync(fileSystem, path, session.Aborted);
            file = upload.Stream;
        }
        else
        {
            file = await fileSystem.OpenWriteAsync(path, mode, offset, session.Aborted);
        }

        var binary = session.Settings.Type == DataType.Binary;
        await session.StartTransferAsync(opening, async (socket, stream, transfer, ct) =>
        {
            if (binary && file is FileStream fileStream && stream is System.Net.Sockets.NetworkStream)
            {
                await DataCopy.ReceiveToFileAsync(socket, fileStream, transfer, ct);
            }
            else if (binary)
            {
                await DataCopy.CopyAsync(stream, file, transfer, ct);
            }
            else
            {
                await DataCopy.CopyFromAsciiAsync(stream, file, transfer, ct);
            }

            await file.FlushAsync(ct);
        }, new TransferAudit(FtpTransferDirection.Upload, path), async completed =>
        {
            if (upload is null)
            {
                await file.DisposeAsync();
                return;
            }

            await using (upload)
            {
                if (completed)
                {
                    await upload.CommitAsync(CancellationToken.None);
                }
            }
        }, limit);
    }
}

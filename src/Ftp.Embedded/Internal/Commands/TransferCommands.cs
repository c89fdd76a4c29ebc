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
    public static async ValueTask Rest(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (!long.TryParse(request.Argument.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "REST takes a byte offset of 0 or more.");
            return;
        }

        if (ModeCommands.RefusesRestart(ctx, offset, out var refusal))
        {
            await ctx.ReplyAsync(FtpReplyCode.ParameterNotImplemented, refusal);
            return;
        }

        ctx.SetRestartOffset(offset);
        await ctx.ReplyAsync(FtpReplyCode.PendingFurtherInformation, $"Restarting at {offset}. Send RETR, STOR or APPE to start the transfer.");
    }

    public static async ValueTask Retr(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Read, path))
        {
            return;
        }

        var fileSystem = ctx.LoggedIn.FileSystem;
        var info = await fileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null || info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, info is null ? "No such file." : "Not a plain file.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > info.Length)
        {
            await ctx.ReplyAsync(FtpReplyCode.InvalidRestParameter, $"Restart offset {offset} is beyond the end of the file ({info.Length} bytes).");
            return;
        }

        await StartAsync(ctx, new DownloadRequest(path, offset, info.Length, Binary(ctx)));
    }

    public static ValueTask Stor(ICommandContext ctx, FtpRequest request, Pending pending)
        => StoreAsync(ctx, request, pending, append: false);

    public static ValueTask Appe(ICommandContext ctx, FtpRequest request, Pending pending)
        => StoreAsync(ctx, request, pending, append: true);

    /// <summary>STOU (RFC 1123 section 4.1.2.9): store under a new unique name, told in the 150 reply.</summary>
    public static async ValueTask Stou(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        // Like STOR: Write permission, or the anonymous upload folder (a unique name is always a new file there).
        var user = ctx.LoggedIn.User;
        if (!user.Can(FtpPermissions.Write) && !Permissions.IsUploadOnly(user, VirtualPath.Combine(ctx.LoggedIn.CurrentDirectory, "stou")))
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Permission denied.");
            return;
        }

        var fileSystem = ctx.LoggedIn.FileSystem;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var name = "stou-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var path = VirtualPath.Combine(ctx.LoggedIn.CurrentDirectory, name);
            if (await fileSystem.GetInfoAsync(path, ctx.Aborted) is null)
            {
                await UploadAsync(ctx, new UploadRequest(path, FtpWriteMode.Create, 0, Atomic: false, Binary(ctx)) { Unique = true });
                return;
            }
        }

        await ctx.ReplyAsync(FtpReplyCode.LocalError, "Could not find a unique name; try again.");
    }

    /// <summary>ABOR: during a transfer 426 (from the transfer) then 226; otherwise 225.</summary>
    public static async ValueTask Abor(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        if (ctx.CurrentTransfer is { Task.IsCompleted: false } transfer)
        {
            transfer.Cancel(TransferCancelReason.Abort);
            await transfer.Task;
            await ctx.ReplyAsync(FtpReplyCode.ClosingDataConnection, "ABOR command successful.");
            return;
        }

        ctx.PrepareData(null);
        await ctx.ReplyAsync(FtpReplyCode.DataConnectionOpen, "No transfer to abort.");
    }

    private static async ValueTask StoreAsync(ICommandContext ctx, FtpRequest request, Pending pending, bool append)
    {
        var path = await Permissions.RequirePathAsync(ctx, request);
        if (path is null)
        {
            return;
        }

        var user = ctx.LoggedIn.User;
        var info = await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        var uploadOnly = Permissions.IsUploadOnly(user, path);
        if (!user.Can(FtpPermissions.Write) && !(uploadOnly && info is null && !append && pending.RestartOffset == 0))
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, uploadOnly ? "Permission denied: files here cannot be overwritten." : "Permission denied.");
            return;
        }

        if (info is { IsDirectory: true } || path == VirtualPath.Root)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, "Is a directory.");
            return;
        }

        var offset = pending.RestartOffset;
        if (offset > 0 && offset > (info?.Length ?? 0))
        {
            await ctx.ReplyAsync(FtpReplyCode.InvalidRestParameter, $"Restart offset {offset} is beyond the end of the file ({info?.Length ?? 0} bytes).");
            return;
        }

        var mode = append ? FtpWriteMode.Append : offset > 0 ? FtpWriteMode.WriteAt : FtpWriteMode.Create;
        var atomic = mode == FtpWriteMode.Create && ctx.Context.Options.Uploads.Atomic;
        await UploadAsync(ctx, new UploadRequest(path, mode, offset, atomic, Binary(ctx)));
    }

    /// <summary>Checks the quota (552 when it is used up), then starts the upload with what is left of it as its limit.</summary>
    private static async ValueTask UploadAsync(ICommandContext ctx, UploadRequest request)
    {
        var limit = long.MaxValue;
        if (ctx.Context.Quota is { } quota && await quota.GetAvailableBytesAsync(ctx.LoggedIn.User, request.Path, ctx.Aborted) is { } available)
        {
            if (available <= 0)
            {
                ctx.PrepareData(null);
                await ctx.ReplyAsync(FtpReplyCode.ExceededStorageAllocation, "Requested file action aborted: exceeded storage allocation (quota).");
                return;
            }

            limit = available;
        }

        await StartAsync(ctx, request with { Limit = limit });
    }

    /// <summary>Starts a file transfer; the TLS policy for data connections is settled here, before the session runs it.</summary>
    private static ValueTask StartAsync(ICommandContext ctx, TransferRequest request)
        => ctx.StartTransferAsync(request with { ProtectionRequired = TlsRequirements.RequiresTls(ctx, forData: true) });

    private static bool Binary(ICommandContext ctx) => ctx.Settings.Type == DataType.Binary;
}

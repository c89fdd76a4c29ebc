using System.Globalization;
using Ftp.Embedded.Internal.Access;
using Ftp.Embedded.Internal.Hashing;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Internal.Commands;

/// <summary>
/// HASH and RANG (draft-bryan-ftpext-hash-02), and the older XCRC, XMD5, XSHA1, XSHA256, XSHA512. The hash is computed
/// beside the command loop with one fixed buffer, so ABOR, STAT and the stall timeout reach it.
/// </summary>
internal static class HashCommands
{
    /// <summary>HASH path: <c>213 SHA-256 0-length hex path</c>, or <c>213 SHA-256 start-end hex path</c> after RANG.</summary>
    public static async ValueTask Hash(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var file = await FindFileAsync(ctx, request.Argument);
        if (file is not { } found)
        {
            return;
        }

        var algorithm = ctx.Settings.HashAlgorithm;
        var (start, length, range) = (0L, found.Length, $"0-{found.Length}");
        if (pending.HashRange is { } rang)
        {
            if (rang.Start > found.Length)
            {
                await ctx.ReplyAsync(FtpReplyCode.InvalidRestParameter, $"RANG starts at {rang.Start}, beyond the end of the file ({found.Length} bytes).");
                return;
            }

            var last = Math.Min(rang.End, found.Length - 1);
            (start, length, range) = (rang.Start, Math.Max(0, last - rang.Start + 1), $"{rang.Start}-{last}");
        }

        var given = InfoCommands.Escape(request.Argument);
        var name = HashNames.Name(algorithm);
        Start(ctx, "HASH", found.Path, algorithm, start, length, wholeFile: pending.HashRange is null,
            hash => (FtpReplyCode.FileStatus, $"{name} {range} {Convert.ToHexStringLower(hash)} {given}"));
    }

    /// <summary>RANG start end (draft-bryan-ftp-range): the bytes, both inclusive, the next HASH covers; <c>RANG 1 0</c> resets.</summary>
    public static async ValueTask Rang(ICommandContext ctx, FtpRequest request, Pending pending)
    {
        var parts = request.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !TryOffset(parts[0], out var start) || !TryOffset(parts[1], out var end))
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "RANG takes a start and an end byte: RANG <start> <end>.");
            return;
        }

        if (start == 1 && end == 0)
        {
            await ctx.ReplyAsync(FtpReplyCode.PendingFurtherInformation, "Range reset; the next HASH covers the whole file.");
            return;
        }

        if (start > end)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "RANG start must not be after its end (RANG 1 0 resets).");
            return;
        }

        ctx.SetHashRange((start, end));
        await ctx.ReplyAsync(FtpReplyCode.PendingFurtherInformation, $"Restarting at {start}. Ending at {end}.");
    }

    public static ValueTask Xcrc(ICommandContext ctx, FtpRequest request, Pending pending) => Legacy(ctx, request, FtpChecksumAlgorithm.Crc32);

    public static ValueTask Xmd5(ICommandContext ctx, FtpRequest request, Pending pending) => Legacy(ctx, request, FtpChecksumAlgorithm.Md5);

    public static ValueTask Xsha1(ICommandContext ctx, FtpRequest request, Pending pending) => Legacy(ctx, request, FtpChecksumAlgorithm.Sha1);

    public static ValueTask Xsha256(ICommandContext ctx, FtpRequest request, Pending pending) => Legacy(ctx, request, FtpChecksumAlgorithm.Sha256);

    public static ValueTask Xsha512(ICommandContext ctx, FtpRequest request, Pending pending) => Legacy(ctx, request, FtpChecksumAlgorithm.Sha512);

    /// <summary>
    /// Splits <c>path [start end]</c>: trailing start and end (end exclusive, as proftpd's mod_digest reads them) when the
    /// argument ends with two numbers after a path; otherwise the whole argument is the path.
    /// </summary>
    internal static (string Path, long? Start, long? End) ParseLegacy(string argument)
    {
        var trimmed = argument.TrimEnd();
        var lastSpace = trimmed.LastIndexOf(' ');
        if (lastSpace > 0 && TryOffset(trimmed[(lastSpace + 1)..], out var end))
        {
            var head = trimmed[..lastSpace].TrimEnd();
            var secondSpace = head.LastIndexOf(' ');
            if (secondSpace > 0 && TryOffset(head[(secondSpace + 1)..], out var start) && head[..secondSpace].Trim().Length > 0)
            {
                return (head[..secondSpace].TrimEnd(), start, end);
            }
        }

        return (argument, null, null);
    }

    /// <summary>XCRC/XMD5/XSHA* path [start end]: <c>250 HEX</c>. A file whose name ends in two numbers is found by its full name first.</summary>
    private static async ValueTask Legacy(ICommandContext ctx, FtpRequest request, FtpChecksumAlgorithm algorithm)
    {
        var (given, start, end) = ParseLegacy(request.Argument);
        if (start is not null && await ExistsAsync(ctx, request.Argument))
        {
            (given, start, end) = (request.Argument, null, null);
        }

        var file = await FindFileAsync(ctx, given);
        if (file is not { } found)
        {
            return;
        }

        var from = start ?? 0;
        var to = Math.Min(end ?? found.Length, found.Length);
        if (from > to)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, $"The start ({from}) is after the end ({to}) of the range.");
            return;
        }

        Start(ctx, request.Verb, found.Path, algorithm, from, to - from, wholeFile: start is null,
            hash => (FtpReplyCode.FileActionOkay, Convert.ToHexString(hash)));
    }

    private static void Start(ICommandContext ctx, string verb, string path, FtpChecksumAlgorithm algorithm, long start, long length, bool wholeFile,
        Func<byte[], (FtpReplyCode, string)> reply)
    {
        var fileSystem = ctx.LoggedIn.FileSystem;
        var logger = ctx.Context.Logger;
        var sessionId = ctx.Info.Id;
        ctx.StartBackground($"{verb} {path}", async transfer =>
        {
            byte[]? hash = null;
            if (wholeFile && fileSystem is IFtpStoredHashFileSystem stored)
            {
                hash = await stored.GetStoredHashAsync(path, algorithm, transfer.Token).ConfigureAwait(false);
                if (hash is not null && hash.Length != FileHasher.HashLength(algorithm))
                {
                    throw new InvalidOperationException($"The filesystem's stored {HashNames.Name(algorithm)} of '{path}' has {hash.Length} bytes instead of {FileHasher.HashLength(algorithm)}.");
                }
            }

            FtpLog.HashStarted(logger, sessionId, HashNames.Name(algorithm), path, start, length, hash is null ? "computed" : "stored");
            if (hash is null)
            {
                var stream = await fileSystem.OpenReadAsync(path, start, transfer.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    hash = await FileHasher.ComputeAsync(stream, algorithm, length, transfer, transfer.Token).ConfigureAwait(false);
                }
            }

            return reply(hash);
        });
    }

    /// <summary>Resolves and checks a file for hashing: Read permission, a plain file; 550 otherwise.</summary>
    private static async ValueTask<(string Path, long Length)?> FindFileAsync(ICommandContext ctx, string argument)
    {
        if (argument.Length == 0)
        {
            await ctx.ReplyAsync(FtpReplyCode.SyntaxErrorInArguments, "A path is required.");
            return null;
        }

        var path = await Permissions.ResolveAsync(ctx, argument);
        if (path is null || !await Permissions.DemandAsync(ctx, FtpPermissions.Read, path))
        {
            return null;
        }

        var info = path == VirtualPath.Root ? null : await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted);
        if (info is null || info.IsDirectory)
        {
            await ctx.ReplyAsync(FtpReplyCode.FileUnavailable, info is null && path != VirtualPath.Root ? "No such file." : "Not a plain file.");
            return null;
        }

        return (path, info.Length);
    }

    private static async ValueTask<bool> ExistsAsync(ICommandContext ctx, string argument)
        => VirtualPath.TryResolve(ctx.LoggedIn.CurrentDirectory, argument, ctx.Context.Options.Limits.MaxPathLength, out var path) == PathError.None
           && await ctx.LoggedIn.FileSystem.GetInfoAsync(path, ctx.Aborted) is { IsDirectory: false };

    private static bool TryOffset(string text, out long value)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ftp.Embedded.S3;

internal sealed partial class S3FileSystem
{
    public async ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
    {
        await CheckWritableAsync(path, cancellationToken).ConfigureAwait(false);
        return new S3Upload(new S3Writer(client, errors, Bucket, FileKey(path), options.PartSize));
    }

    public async ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
    {
        await CheckWritableAsync(path, cancellationToken).ConfigureAwait(false);
        var writer = new S3Writer(client, errors, Bucket, FileKey(path), options.PartSize) { CommitOnDispose = true };
        try
        {
            if (mode != FtpWriteMode.Create)
            {
                await CopyExistingAsync(path, writer, mode == FtpWriteMode.Append ? long.MaxValue : offset, cancellationToken).ConfigureAwait(false);
            }

            return writer;
        }
        catch
        {
            writer.CommitOnDispose = false;
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// APPE and REST+STOR: the existing object's first <paramref name="length"/> bytes come first. From 5 MiB they are
    /// copied inside the store (UploadPartCopy); below, they are read and uploaded again (they fit in the part buffer).
    /// </summary>
    private async Task CopyExistingAsync(string path, S3Writer writer, long length, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(FileKey(path), cancellationToken).ConfigureAwait(false);
        var size = head?.ContentLength ?? 0;
        if (length != long.MaxValue && length > size)
        {
            throw new FtpException(FtpReplyCode.SyntaxErrorInArguments, $"The restart offset {length.ToString(CultureInfo.InvariantCulture)} is past the end of the file ({size.ToString(CultureInfo.InvariantCulture)} bytes).");
        }

        var take = Math.Min(length, size);
        if (take == 0)
        {
            return;
        }

        if (take >= S3FileSystemOptions.MinimumPartSize)
        {
            await writer.CopyPartsAsync(FileKey(path), head!.ETag, take, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = new GetObjectRequest { BucketName = Bucket, Key = FileKey(path), ByteRange = new ByteRange(0, take - 1), EtagToMatch = head!.ETag };
        using var response = await errors.Run(() => client.GetObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        await using var body = response.ResponseStream;
        try
        {
            await body.CopyToAsync(writer, 81920, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (errors.Map(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task CheckWritableAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path == "/")
        {
            throw new IOException("/ is a directory, not a file.");
        }

        // Both checks at once: an upload waits for one round trip before its first byte, not two.
        var parent = RequireDirectoryAsync(S3Keys.Parent(path), cancellationToken);
        var isDirectory = HasKeysBelowAsync(DirectoryPrefix(path), cancellationToken);
        await Task.WhenAll(parent, isDirectory).ConfigureAwait(false);
        if (await isDirectory.ConfigureAwait(false))
        {
            throw new IOException($"{path} is a directory, not a file.");
        }
    }

    public async ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        var source = await GetInfoAsync(sourcePath, cancellationToken).ConfigureAwait(false)
                     ?? throw new FileNotFoundException($"No such file or directory: {sourcePath}");
        if (sourcePath == "/" || destinationPath == "/" || destinationPath.StartsWith(sourcePath + "/", StringComparison.Ordinal))
        {
            throw new IOException($"{sourcePath} cannot be moved to {destinationPath}.");
        }

        await RequireDirectoryAsync(S3Keys.Parent(destinationPath), cancellationToken).ConfigureAwait(false);
        var target = await GetInfoAsync(destinationPath, cancellationToken).ConfigureAwait(false);
        if (target is not null && (source.IsDirectory || target.IsDirectory))
        {
            throw new IOException($"{destinationPath} already exists.");
        }

        if (!source.IsDirectory)
        {
            await CopyAsync(FileKey(sourcePath), FileKey(destinationPath), cancellationToken).ConfigureAwait(false);
            await errors.Run(() => client.DeleteObjectAsync(Bucket, FileKey(sourcePath), cancellationToken), cancellationToken).ConfigureAwait(false);
            return;
        }

        await RenameDirectoryAsync(sourcePath, DirectoryPrefix(sourcePath), DirectoryPrefix(destinationPath), cancellationToken).ConfigureAwait(false);
    }

    private async Task RenameDirectoryAsync(string path, string from, string to, CancellationToken cancellationToken)
    {
        _directories.RemoveTree(from);
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await ListPageAsync(from, token, 1000, delimited: false, cancellationToken).ConfigureAwait(false);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (keys.Count > options.MaxDirectoryRenameKeys)
            {
                throw new FtpException(FtpReplyCode.FileUnavailable, $"{path} holds more than {options.MaxDirectoryRenameKeys.ToString(CultureInfo.InvariantCulture)} objects, too many to rename; move its contents in parts.");
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        foreach (var key in keys)
        {
            await CopyAsync(key, to + key[from.Length..], cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in keys.Chunk(1000))
        {
            var request = new DeleteObjectsRequest { BucketName = Bucket, Objects = [.. chunk.Select(k => new KeyVersion { Key = k })] };
            await errors.Run(() => client.DeleteObjectsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<CopyObjectResponse> CopyAsync(string from, string to, CancellationToken cancellationToken)
        => errors.Run(() => client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = from,
            DestinationBucket = Bucket,
            DestinationKey = to,
        }, cancellationToken), cancellationToken);

    public async ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
    {
        var head = await RequireFileAsync(path, cancellationToken).ConfigureAwait(false);
        var request = new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = FileKey(path),
            DestinationBucket = Bucket,
            DestinationKey = FileKey(path),
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = head.Headers.ContentType,
        };
        foreach (var key in head.Metadata.Keys)
        {
            request.Metadata[key] = head.Metadata[key];
        }

        request.Metadata[MtimeMetadata] = lastWriteTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await errors.Run(() => client.CopyObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ftp.Embedded.S3;

/// <summary>One user's view of the bucket: every key starts with <see cref="_root"/> (the user's prefix).</summary>
internal sealed partial class S3FileSystem(IAmazonS3 client, S3FileSystemOptions options, string root, S3Errors errors)
    : IFtpFileSystem, IFtpAtomicUploadFileSystem, IFtpModificationTimeFileSystem
{
    internal const string MtimeMetadata = "x-amz-meta-mtime";
    private const int ListingHeadParallelism = 16;
    private readonly string _root = root;
    private readonly S3DirectoryCache _directories = new();
    private string Bucket => options.BucketName;

    private string FileKey(string path) => _root + path.Trim('/');

    private string DirectoryPrefix(string path) => _root + S3Keys.Prefix(path);

    public async ValueTask EnsureRootAsync(CancellationToken cancellationToken)
    {
        if (!await DirectoryExistsAsync(_root, cancellationToken).ConfigureAwait(false))
        {
            await PutMarkerAsync(_root, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path == "/")
        {
            return new FtpFileInfo("/", IsDirectory: true, 0, DateTimeOffset.UtcNow);
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        var head = await HeadAsync(FileKey(path), cancellationToken).ConfigureAwait(false);
        if (head is not null)
        {
            return new FtpFileInfo(name, IsDirectory: false, head.ContentLength, ModificationTime(head));
        }

        var page = await ListPageAsync(DirectoryPrefix(path), null, 1, delimited: false, cancellationToken).ConfigureAwait(false);
        var first = page.S3Objects?.FirstOrDefault();
        return first is null ? null : new FtpFileInfo(name, IsDirectory: true, 0, Utc(first.LastModified));
    }

    public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prefix = DirectoryPrefix(path);
        string? token = null;
        var any = path == "/";
        do
        {
            var page = await ListPageAsync(prefix, token, 1000, delimited: true, cancellationToken).ConfigureAwait(false);
            any |= page.KeyCount > 0;
            if (!any)
            {
                throw new DirectoryNotFoundException($"No such directory: {path}");
            }

            foreach (var dir in page.CommonPrefixes ?? [])
            {
                // S3 keeps no time for a prefix: directories are listed with the time of the listing.
                yield return new FtpFileInfo(dir[prefix.Length..^1], IsDirectory: true, 0, DateTimeOffset.UtcNow);
            }

            var files = (page.S3Objects ?? []).Where(o => o.Key.Length > prefix.Length).ToList();
            var times = await ModificationTimesAsync(files, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < files.Count; i++)
            {
                yield return new FtpFileInfo(files[i].Key[prefix.Length..], IsDirectory: false, files[i].Size ?? 0, times[i]);
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public async ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new GetObjectRequest { BucketName = Bucket, Key = FileKey(path) };
        if (offset > 0)
        {
            request.ByteRange = new ByteRange($"bytes={offset.ToString(CultureInfo.InvariantCulture)}-");
        }

        try
        {
            var response = await client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new S3ReadStream(response, errors);
        }
        catch (AmazonS3Exception ex) when (offset > 0 && ex.ErrorCode == "InvalidRange")
        {
            return new MemoryStream([], writable: false);
        }
        catch (Exception ex) when (errors.Map(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "/" || await GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new IOException($"{path} already exists.");
        }

        await RequireDirectoryAsync(S3Keys.Parent(path), cancellationToken).ConfigureAwait(false);
        await PutMarkerAsync(DirectoryPrefix(path), cancellationToken).ConfigureAwait(false);
        _directories.Add(DirectoryPrefix(path));
    }

    public async ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "/")
        {
            throw new UnauthorizedAccessException("The root directory cannot be removed.");
        }

        var prefix = DirectoryPrefix(path);
        var page = await ListPageAsync(prefix, null, 2, delimited: false, cancellationToken).ConfigureAwait(false);
        var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
        if (keys.Count == 0)
        {
            throw await HeadAsync(FileKey(path), cancellationToken).ConfigureAwait(false) is null
                ? new DirectoryNotFoundException($"No such directory: {path}")
                : new IOException($"{path} is a file, not a directory.");
        }

        if (keys.Any(k => k != prefix))
        {
            throw new IOException($"{path} is not empty.");
        }

        _directories.RemoveTree(prefix);
        await errors.Run(() => client.DeleteObjectAsync(Bucket, prefix, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        await RequireFileAsync(path, cancellationToken).ConfigureAwait(false);
        await errors.Run(() => client.DeleteObjectAsync(Bucket, FileKey(path), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<GetObjectMetadataResponse> RequireFileAsync(string path, CancellationToken cancellationToken)
    {
        var head = path == "/" ? null : await HeadAsync(FileKey(path), cancellationToken).ConfigureAwait(false);
        if (head is not null)
        {
            return head;
        }

        throw await GetInfoAsync(path, cancellationToken).ConfigureAwait(false) is null
            ? new FileNotFoundException($"No such file: {path}")
            : new IOException($"{path} is a directory, not a file.");
    }

    private Task<ListObjectsV2Response> ListPageAsync(string prefix, string? token, int max, bool delimited, CancellationToken cancellationToken)
        => errors.Run(() => client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = Bucket,
            Prefix = prefix,
            Delimiter = delimited ? "/" : null,
            ContinuationToken = token,
            MaxKeys = max,
        }, cancellationToken), cancellationToken);

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectMetadataAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (errors.Map(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<DateTimeOffset[]> ModificationTimesAsync(List<S3Object> files, CancellationToken cancellationToken)
    {
        var times = files.Select(f => Utc(f.LastModified)).ToArray();
        if (options.ListingsReadModificationTimes && files.Count > 0)
        {
            await Parallel.ForAsync(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = ListingHeadParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                if (await HeadAsync(files[i].Key, ct).ConfigureAwait(false) is { } head)
                {
                    times[i] = ModificationTime(head);
                }
            }).ConfigureAwait(false);
        }

        return times;
    }

    private static DateTimeOffset ModificationTime(GetObjectMetadataResponse head)
        => head.Metadata[MtimeMetadata] is { Length: > 0 } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : Utc(head.LastModified);

    private static DateTimeOffset Utc(DateTime? time)
        => time is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;
}

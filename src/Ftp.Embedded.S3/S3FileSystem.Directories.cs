using Amazon.S3.Model;

namespace Ftp.Embedded.S3;

/// <summary>Whether directories exist, as cheaply as possible: the cache, then a HEAD of the marker, then a LIST.</summary>
internal sealed partial class S3FileSystem
{
    private async Task RequireDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (path != "/" && !await DirectoryExistsAsync(DirectoryPrefix(path), cancellationToken).ConfigureAwait(false))
        {
            throw new DirectoryNotFoundException($"No such directory: {path}");
        }
    }

    /// <summary>
    /// A directory this filesystem knows (<see cref="S3DirectoryCache"/>) costs nothing; one with a marker costs a HEAD
    /// (and is remembered); one that exists only through keys below it (an implicit prefix) costs a HEAD and a LIST of
    /// one key, and is not remembered, since deleting its last file removes it.
    /// </summary>
    private async Task<bool> DirectoryExistsAsync(string prefix, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (prefix.Length == 0 || _directories.Contains(prefix))
        {
            return true;
        }

        if (await HeadAsync(prefix, cancellationToken).ConfigureAwait(false) is not null)
        {
            _directories.Add(prefix);
            return true;
        }

        return await HasKeysBelowAsync(prefix, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One LIST of at most one key: whether anything (a marker or any key) starts with <paramref name="prefix"/>.</summary>
    private async Task<bool> HasKeysBelowAsync(string prefix, CancellationToken cancellationToken)
        => (await ListPageAsync(prefix, null, 1, delimited: false, cancellationToken).ConfigureAwait(false)).KeyCount > 0;

    private Task<PutObjectResponse> PutMarkerAsync(string prefix, CancellationToken cancellationToken)
        => errors.Run(() => client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = prefix, InputStream = new MemoryStream() }, cancellationToken), cancellationToken);
}

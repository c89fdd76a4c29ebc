namespace Ftp.Embedded;

/// <summary>Atomic uploads in memory: the data builds a detached file that replaces the target on commit.</summary>
public sealed partial class InMemoryFileSystem
{
    /// <inheritdoc/>
    /// <remarks>Nothing is visible at <paramref name="path"/> until the commit; a discarded upload leaves no trace.</remarks>
    public ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
    {
        var full = Full(path);
        lock (_store.Lock)
        {
            var (parent, name) = FindParent(full, path);
            if (parent.Children.TryGetValue(name, out var existing) && existing is not InMemoryFile)
            {
                throw new IOException($"'{path}' is a directory.");
            }

            var detached = new InMemoryFile(name, _store.Now);
            return ValueTask.FromResult<IFtpUpload>(new InMemoryUpload(this, path, detached, new InMemoryWriteStream(_store, detached, detached.Content.Truncate(0))));
        }
    }

    private void Publish(string path, InMemoryFile detached)
    {
        var full = Full(path);
        lock (_store.Lock)
        {
            var (parent, name) = FindParent(full, path);
            if (!parent.Children.TryGetValue(name, out var existing))
            {
                parent.Children.Add(name, detached);
            }
            else if (existing is InMemoryFile file)
            {
                file.Content = detached.Content;
                file.Modified = _store.Now;
            }
            else
            {
                throw new IOException($"'{path}' is a directory.");
            }
        }
    }

    private sealed class InMemoryUpload(InMemoryFileSystem fileSystem, string path, InMemoryFile detached, InMemoryWriteStream stream) : IFtpUpload
    {
        public Stream Stream => stream;

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            fileSystem.Publish(path, detached);
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}

using System.Runtime.CompilerServices;

namespace Ftp.Embedded;

/// <summary>
/// A thread-safe filesystem in memory: a real provider for tests, demos and scratch space. File contents are kept in
/// 64 KiB chunks; a reader sees the file as it was when it was opened, a writer's content becomes visible when it is
/// flushed or disposed.
/// </summary>
public sealed partial class InMemoryFileSystem : IFtpFileSystem, IFtpModificationTimeFileSystem, IFtpAtomicUploadFileSystem, IFtpUnixModeFileSystem
{
    private readonly InMemoryStore _store;
    private readonly string _root;

    /// <summary>Creates an empty filesystem (only <c>/</c>).</summary>
    public InMemoryFileSystem() : this(new InMemoryStore(TimeProvider.System), "/") { }

    internal InMemoryFileSystem(TimeProvider timeProvider) : this(new InMemoryStore(timeProvider), "/") { }

    private InMemoryFileSystem(InMemoryStore store, string root)
    {
        _store = store;
        _root = root;
    }

    /// <summary>Returns a view of the subtree at <paramref name="path"/> (created if missing) that shares this tree's data.</summary>
    /// <param name="path">A virtual absolute path.</param>
    /// <returns>A filesystem whose <c>/</c> is <paramref name="path"/>.</returns>
    public InMemoryFileSystem GetSubtree(string path)
    {
        var full = Full(path);
        lock (_store.Lock)
        {
            var directory = _store.Root;
            foreach (var segment in Segments(full))
            {
                if (!directory.Children.TryGetValue(segment, out var child))
                {
                    child = new InMemoryDirectory(segment, _store.Now);
                    directory.Children.Add(segment, child);
                }

                directory = child as InMemoryDirectory ?? throw new IOException($"'{path}' is a file, not a directory.");
            }
        }

        return new InMemoryFileSystem(_store, full);
    }

    /// <inheritdoc/>
    public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            var node = Find(Full(path));
            return ValueTask.FromResult(node is null ? null : Describe(node, path == "/" ? "/" : node.Name));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FtpFileInfo[] entries;
        lock (_store.Lock)
        {
            var directory = Find(Full(path)) as InMemoryDirectory ?? throw new DirectoryNotFoundException($"No directory '{path}'.");
            entries = directory.Children.Values.Select(n => Describe(n, n.Name)).ToArray();
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_store.Lock)
        {
            var file = FindFile(Full(path), path);
            var stream = new InMemoryReadStream(file.Content) { Position = Math.Min(offset, file.Content.Length) };
            return ValueTask.FromResult<Stream>(stream);
        }
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
    {
        var full = Full(path);
        lock (_store.Lock)
        {
            var (parent, name) = FindParent(full, path);
            if (parent.Children.TryGetValue(name, out var existing) && existing is not InMemoryFile)
            {
                throw new IOException($"'{path}' is a directory.");
            }

            if (existing is not InMemoryFile file)
            {
                file = new InMemoryFile(name, _store.Now);
                parent.Children.Add(name, file);
            }

            var start = mode switch
            {
                FtpWriteMode.Create => 0,
                FtpWriteMode.Append => file.Content.Length,
                _ when offset < 0 || offset > file.Content.Length
                    => throw new FtpException(FtpReplyCode.SyntaxErrorInArguments, "Restart offset is beyond the end of the file."),
                _ => offset,
            };
            return ValueTask.FromResult<Stream>(new InMemoryWriteStream(_store, file, file.Content.Truncate(start)));
        }
    }

    /// <inheritdoc/>
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            var (parent, name) = FindParent(Full(path), path);
            if (parent.Children.ContainsKey(name))
            {
                throw new IOException($"'{path}' exists already.");
            }

            parent.Children.Add(name, new InMemoryDirectory(name, _store.Now));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            var (parent, name) = FindParent(Full(path), path);
            if (!parent.Children.TryGetValue(name, out var node))
            {
                throw new FileNotFoundException($"No file '{path}'.");
            }

            if (node is not InMemoryFile)
            {
                throw new IOException($"'{path}' is a directory.");
            }

            parent.Children.Remove(name);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            var full = Full(path);
            if (full == "/")
            {
                throw new IOException("The root cannot be removed.");
            }

            var (parent, name) = FindParent(full, path);
            if (!parent.Children.TryGetValue(name, out var node) || node is not InMemoryDirectory directory)
            {
                throw node is null ? new DirectoryNotFoundException($"No directory '{path}'.") : new IOException($"'{path}' is a file.");
            }

            if (directory.Children.Count > 0)
            {
                throw new IOException($"'{path}' is not empty.");
            }

            parent.Children.Remove(name);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        var from = Full(sourcePath);
        var to = Full(destinationPath);
        lock (_store.Lock)
        {
            var (fromParent, fromName) = FindParent(from, sourcePath);
            if (!fromParent.Children.TryGetValue(fromName, out var node))
            {
                throw new FileNotFoundException($"No file or directory '{sourcePath}'.");
            }

            if (node is InMemoryDirectory && (to == from || to.StartsWith(from + "/", StringComparison.Ordinal)))
            {
                throw new IOException("A directory cannot be moved into itself.");
            }

            var (toParent, toName) = FindParent(to, destinationPath);
            if (toParent.Children.TryGetValue(toName, out var existing))
            {
                if (ReferenceEquals(existing, node))
                {
                    return ValueTask.CompletedTask;
                }

                if (existing is InMemoryDirectory || node is InMemoryDirectory)
                {
                    throw new IOException($"'{destinationPath}' exists already.");
                }

                toParent.Children.Remove(toName);
            }

            fromParent.Children.Remove(fromName);
            node.Name = toName;
            toParent.Children.Add(toName, node);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask SetLastWriteTimeAsync(string path, DateTimeOffset lastWriteTime, CancellationToken cancellationToken)
    {
        lock (_store.Lock)
        {
            (Find(Full(path)) ?? throw new FileNotFoundException($"No file '{path}'.")).Modified = lastWriteTime;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Kept with the entry and reported as <see cref="FtpFileInfo.UnixMode"/>; nothing enforces it.</remarks>
    public ValueTask SetUnixModeAsync(string path, int mode, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mode, 511);
        lock (_store.Lock)
        {
            (Find(Full(path)) ?? throw new FileNotFoundException($"No file or directory '{path}'.")).UnixMode = mode;
        }

        return ValueTask.CompletedTask;
    }
}

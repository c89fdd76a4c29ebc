using System.Runtime.CompilerServices;

namespace Ftp.Embedded;

/// <summary>Finding nodes: a virtual path mapped below this view's root, then walked down the shared tree.</summary>
public sealed partial class InMemoryFileSystem : IFtpNameListingFileSystem
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ListNamesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[] names;
        lock (_store.Lock)
        {
            var directory = Find(Full(path)) as InMemoryDirectory ?? throw new DirectoryNotFoundException($"No directory '{path}'.");
            names = [.. directory.Children.Keys];
        }

        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask;
    }

    private static FtpFileInfo Describe(InMemoryNode node, string name) => node is InMemoryFile file
        ? new FtpFileInfo(name, false, file.Content.Length, node.Modified) { UnixMode = node.UnixMode }
        : new FtpFileInfo(name, true, 0, node.Modified) { UnixMode = node.UnixMode };

    private InMemoryNode? Find(string full)
    {
        InMemoryNode node = _store.Root;
        foreach (var segment in Segments(full))
        {
            if (node is not InMemoryDirectory directory || !directory.Children.TryGetValue(segment, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private InMemoryFile FindFile(string full, string path) => Find(full) switch
    {
        InMemoryFile file => file,
        null => throw new FileNotFoundException($"No file '{path}'."),
        _ => throw new IOException($"'{path}' is a directory."),
    };

    private (InMemoryDirectory Parent, string Name) FindParent(string full, string path)
    {
        var slash = full.LastIndexOf('/');
        var name = full[(slash + 1)..];
        if (name.Length == 0)
        {
            throw new IOException("The root has no parent.");
        }

        var parent = Find(slash == 0 ? "/" : full[..slash]) as InMemoryDirectory
            ?? throw new DirectoryNotFoundException($"The directory of '{path}' does not exist.");
        return (parent, name);
    }

    private string Full(string path)
    {
        if (!path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
        }

        foreach (var segment in Segments(path))
        {
            if (segment is "." or "..")
            {
                throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
            }
        }

        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return _root == "/" ? trimmed : trimmed == "/" ? _root : _root + trimmed;
    }

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

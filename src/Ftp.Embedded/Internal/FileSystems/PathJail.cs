namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>
/// Maps virtual paths into one host directory and keeps them there: a path is mapped lexically below the root, and an
/// entry is inside only when every link on its way, resolved, still leads below the root.
/// </summary>
internal sealed class PathJail
{
    private readonly string _rootWithSeparator;

    /// <summary>Creates a jail at <paramref name="rootPath"/>, a full path of an existing directory.</summary>
    public PathJail(string rootPath)
    {
        // Resolve links in the root itself once, so that checks compare real paths.
        RootPath = Path.TrimEndingDirectorySeparator(ResolveReal(rootPath));
        _rootWithSeparator = RootPath.EndsWith(Path.DirectorySeparatorChar) ? RootPath : RootPath + Path.DirectorySeparatorChar;
    }

    /// <summary>The real host path of the root.</summary>
    public string RootPath { get; }

    /// <summary>Maps a virtual path below the root, lexically (no link is followed here).</summary>
    public string Map(string path)
    {
        if (!path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a normalised absolute path.", nameof(path));
        }

        return segments.Length == 0 ? RootPath : Path.Join(RootPath, string.Join(Path.DirectorySeparatorChar, segments));
    }

    /// <summary>Maps an entry that must exist and lie inside the root after following links.</summary>
    public string MapExisting(string path)
    {
        var host = Map(path);
        if (!IsInsideRoot(host) || !Path.Exists(host))
        {
            throw new FileNotFoundException($"No file or directory '{path}'.");
        }

        return host;
    }

    /// <summary>Maps an entry that may not exist yet: its parent must exist inside the root.</summary>
    public string MapForCreate(string path)
    {
        var host = Map(path);
        var parent = Path.GetDirectoryName(host);
        if (host == RootPath || parent is null || !IsInsideRoot(parent) || !Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"The directory of '{path}' does not exist.");
        }

        // An existing entry that is a link leading outside the root must not be written through.
        if (new FileInfo(host).LinkTarget is not null && !IsInsideRoot(host))
        {
            throw new UnauthorizedAccessException($"'{path}' leads outside the root.");
        }

        return host;
    }

    /// <summary>Whether <paramref name="host"/>, with every link on its way resolved, lies inside the root.</summary>
    public bool IsInsideRoot(string host)
    {
        string real;
        try
        {
            // The root is a real path already (resolved once, in the constructor): only what lies below it is resolved.
            var full = Path.GetFullPath(host);
            real = full == RootPath ? RootPath
                : full.StartsWith(_rootWithSeparator, StringComparison.Ordinal) ? ResolveReal(RootPath, full[_rootWithSeparator.Length..])
                : ResolveReal(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return real == RootPath || real.StartsWith(_rootWithSeparator, StringComparison.Ordinal);
    }

    /// <summary>Resolves links in every existing component of <paramref name="path"/> (like realpath for the existing prefix).</summary>
    public static string ResolveReal(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        return ResolveReal(root, full[root.Length..]);
    }

    /// <summary>
    /// Resolves <paramref name="relative"/> below <paramref name="start"/>, a real directory: one system call per existing
    /// component (<c>statx</c> on Linux, <c>lstat</c> elsewhere), and a link's target resolved in full.
    /// </summary>
    private static string ResolveReal(string start, string relative)
    {
        var current = start;
        var parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);
            var kind = KindOf(next);
            if (kind == UnixDirectoryReader.EntryKind.Missing)
            {
                // The rest does not exist: nothing more to resolve.
                return Path.Join([next, .. parts[(i + 1)..]]);
            }

            if (kind == UnixDirectoryReader.EntryKind.Link && new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                next = Path.GetFullPath(target.FullName);
                if (target.FullName != next)
                {
                    next = ResolveReal(next);
                }
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : Path.GetPathRoot(current)!;
    }

    private static UnixDirectoryReader.EntryKind KindOf(string path)
    {
        if (UnixDirectoryReader.TryGetKind(path, out var kind))
        {
            return kind;
        }

        FileSystemInfo info = new FileInfo(path);
        var attributes = info.Attributes;
        return attributes == (FileAttributes)(-1) ? UnixDirectoryReader.EntryKind.Missing
            : (attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is not null ? UnixDirectoryReader.EntryKind.Link
            : UnixDirectoryReader.EntryKind.Other;
    }
}

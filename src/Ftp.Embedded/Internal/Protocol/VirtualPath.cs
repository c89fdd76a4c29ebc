using System.Text;

namespace Ftp.Embedded.Internal.Protocol;

/// <summary>Why a client path was refused.</summary>
internal enum PathError
{
    None,
    /// <summary>NUL, CR, LF or a backslash: reply 553.</summary>
    InvalidCharacter,
    /// <summary>Longer than the limit after normalisation: reply 553.</summary>
    TooLong,
}

/// <summary>
/// Turns a client path into a virtual absolute path under the user's root: relative to the current directory,
/// <c>.</c> and <c>..</c> resolved lexically, <c>..</c> at <c>/</c> stays at <c>/</c>, repeated slashes folded.
/// A backslash is refused (it is a separator on some hosts), so are NUL, CR and LF. <c>~</c> and <c>%2e</c> are plain characters.
/// </summary>
internal static class VirtualPath
{
    public const string Root = "/";

    public static PathError TryResolve(string currentDirectory, string argument, int maxLength, out string path)
    {
        path = Root;
        if (argument.AsSpan().IndexOfAny('\0', '\\', '\r') >= 0 || argument.Contains('\n', StringComparison.Ordinal))
        {
            return PathError.InvalidCharacter;
        }

        if (argument.Length > maxLength * 4)
        {
            return PathError.TooLong;
        }

        var segments = new List<string>();
        if (!argument.StartsWith('/'))
        {
            Push(segments, currentDirectory);
        }

        Push(segments, argument);
        if (segments.Count == 0)
        {
            return PathError.None;
        }

        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            builder.Append('/').Append(segment);
            if (builder.Length > maxLength)
            {
                return PathError.TooLong;
            }
        }

        path = builder.ToString();
        return PathError.None;
    }

    /// <summary>Combines a normalised directory and a plain name.</summary>
    public static string Combine(string directory, string name) => directory == Root ? "/" + name : directory + "/" + name;

    /// <summary>The parent of a normalised path (<c>/</c> for <c>/</c>).</summary>
    public static string GetParent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? Root : path[..slash];
    }

    /// <summary>The last segment of a normalised path (empty for <c>/</c>).</summary>
    public static string GetName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Whether the normalised <paramref name="path"/> is <paramref name="folder"/> or lies beneath it; the folder is
    /// resolved from the root, and a missing, invalid or root folder contains nothing.
    /// </summary>
    public static bool IsInFolder(string path, string? folder)
    {
        if (folder is null)
        {
            return false;
        }

        var error = TryResolve(Root, folder, 4096, out var root);
        return error == PathError.None && root != Root
               && (path == root || path.StartsWith(root + "/", StringComparison.Ordinal));
    }

    private static void Push(List<string> segments, string path)
    {
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan(range);
            if (segment.IsEmpty || segment is ".")
            {
                continue;
            }

            if (segment is "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment.ToString());
        }
    }
}

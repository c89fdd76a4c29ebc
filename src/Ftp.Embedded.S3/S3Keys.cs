namespace Ftp.Embedded.S3;

internal static class S3Keys
{
    /// <summary>"/a/b/" or "a/b" → "a/b/"; "/" or "" → "".</summary>
    public static string Prefix(string path)
    {
        var trimmed = path.Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}

using System.Security.Cryptography;

namespace Ftp.Embedded.Internal.FileSystems;

/// <summary>
/// The name of an upload in progress that is written beside its target and renamed over it at the end:
/// <c>.ftp-upload-0123456789abcdef.part</c>. Its length does not depend on the target's, so a target name as long as the
/// filesystem allows can still be uploaded. The engine hides these names from every command and listing.
/// </summary>
internal static class UploadTemporaryName
{
    private const string Prefix = ".ftp-upload-";
    private const string Suffix = ".part";
    private const int HexLength = 16;
    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The length of every temporary name.</summary>
    public const int Length = 33;

    /// <summary>A glob that matches the temporary names (and may match a few others: check with <see cref="Matches"/>).</summary>
    public const string SearchPattern = Prefix + "*" + Suffix;

    /// <summary>A new random temporary name.</summary>
    public static string Create() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(HexLength / 2)) + Suffix;

    /// <summary>Whether <paramref name="name"/> (a name, not a path) is a temporary upload name.</summary>
    public static bool Matches(ReadOnlySpan<char> name)
        => name.Length == Length
           && name.StartsWith(Prefix, StringComparison.Ordinal)
           && name.EndsWith(Suffix, StringComparison.Ordinal)
           && !name.Slice(Prefix.Length, HexLength).ContainsAnyExcept(Hex);

    /// <summary>Whether the last segment of the virtual <paramref name="path"/> is a temporary upload name.</summary>
    public static bool IsTemporaryPath(string path) => Matches(path.AsSpan(path.LastIndexOf('/') + 1));
}

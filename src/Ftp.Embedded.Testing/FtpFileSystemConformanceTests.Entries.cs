using System.Text;
using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private static readonly string[] MissingPaths = ["/missing", "/missing.txt", "/missing/deeper"];

    /// <summary>
    /// <c>GetInfoAsync("/")</c> describes a directory: the user's root exists once <c>GetFileSystemAsync</c> returned
    /// (CWD, LIST and MLST ask for it). Its name is not used.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Root_is_a_directory() => RunAsync(async (fs, ct) =>
    {
        var root = await Check.InfoAsync(fs, "/", ct)
                   ?? throw Check.Failure("GetInfoAsync(\"/\") must describe the user's root directory, not return null: the root exists once GetFileSystemAsync returned.");
        if (!root.IsDirectory)
        {
            throw Check.Failure("GetInfoAsync(\"/\") must describe a directory (IsDirectory = true): it is the user's root.");
        }
    });

    /// <summary>
    /// <c>GetInfoAsync</c> of a path that does not exist (also below a missing directory) returns null rather than
    /// throwing: the engine asks before STOR, MKD, RNTO, SIZE, MDTM and CWD and answers 550 itself.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Missing_entries_are_null() => RunAsync(async (fs, ct) =>
    {
        foreach (var path in MissingPaths)
        {
            FtpFileInfo? info;
            try
            {
                info = await fs.GetInfoAsync(path, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Check.Failure($"GetInfoAsync({Check.Q(path)}) must return null for a path that does not exist, not throw: it threw {Check.Describe(ex)}.", ex);
            }

            if (info is not null)
            {
                throw Check.Failure($"GetInfoAsync({Check.Q(path)}) must return null on an empty filesystem, but it returned an entry named {Check.Q(info.Name)}.");
            }
        }
    });

    /// <summary>
    /// After a write, <c>GetInfoAsync</c> and <c>ListAsync</c> report the file's name, kind and exact length, and a
    /// modification time within a minute of now; a directory is reported as a directory.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Entries_are_described_after_a_write() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/a.txt", "hello", ct);
        var info = await Check.InfoAsync(fs, "/a.txt", ct) ?? throw Check.Failure("GetInfoAsync(\"/a.txt\") must describe the file just written, not return null.");
        Describes(info, "GetInfoAsync(\"/a.txt\") after writing 5 bytes", "a.txt", isDirectory: false, 5);
        await Check.WriteAsync(fs, "/a.txt", "!!!", ct, FtpWriteMode.Append);
        info = await Check.InfoAsync(fs, "/a.txt", ct) ?? throw Check.Failure("GetInfoAsync(\"/a.txt\") must describe the file after an append, not return null.");
        Describes(info, "GetInfoAsync(\"/a.txt\") after appending 3 bytes to 5", "a.txt", isDirectory: false, 8);

        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        var directory = await Check.InfoAsync(fs, "/d", ct) ?? throw Check.Failure("GetInfoAsync(\"/d\") must describe the directory just created, not return null.");
        Describes(directory, "GetInfoAsync(\"/d\") after CreateDirectoryAsync", "d", isDirectory: true, null);

        var entries = await ExpectListingAsync(fs, "/", ["a.txt", "d"], "after writing \"/a.txt\" and creating \"/d\"", ct);
        Describes(entries.Single(e => e.Name == "a.txt"), "The entry of \"a.txt\" in ListAsync(\"/\")", "a.txt", isDirectory: false, 8);
        Describes(entries.Single(e => e.Name == "d"), "The entry of \"d\" in ListAsync(\"/\")", "d", isDirectory: true, null);
    });

    /// <summary>
    /// Names with spaces, non-ASCII letters, <c>#</c>, <c>%</c>, a leading dash or a leading dot are kept exactly, as
    /// file and as directory names: stored, described, listed, read back and deleted.
    /// </summary>
    /// <param name="name">The name to try.</param>
    /// <returns>The check.</returns>
    [Theory]
    [InlineData("with space.txt")]
    [InlineData("\u00FCn\u00EFc\u00F6d\u00E9 \u6587\u4EF6.txt")]
    [InlineData("#hash.txt")]
    [InlineData("100% a%20b.txt")]
    [InlineData("-rf")]
    [InlineData(".hidden")]
    public Task Unusual_names_are_kept_exactly(string name) => RunAsync(async (fs, ct) =>
    {
        ArgumentNullException.ThrowIfNull(name);
        var directory = "/" + name;
        var file = directory + "/" + name;
        var content = Encoding.UTF8.GetBytes("content of " + name);
        await Check.Step($"CreateDirectoryAsync({Check.Q(directory)})", () => fs.CreateDirectoryAsync(directory, ct).AsTask());
        await Check.WriteAsync(fs, file, content, ct);
        var info = await Check.InfoAsync(fs, file, ct) ?? throw Check.Failure($"GetInfoAsync({Check.Q(file)}) must describe the file just written, not return null.");
        Describes(info, $"GetInfoAsync({Check.Q(file)})", name, isDirectory: false, content.Length);
        var top = await ExpectListingAsync(fs, "/", [name], $"after creating the directory {Check.Q(directory)}", ct);
        Describes(top[0], "The entry in ListAsync(\"/\")", name, isDirectory: true, null);
        var inside = await ExpectListingAsync(fs, directory, [name], $"after writing {Check.Q(file)}", ct);
        Describes(inside[0], $"The entry in ListAsync({Check.Q(directory)})", name, isDirectory: false, content.Length);
        var read = await Check.ReadAsync(fs, file, ct);
        Check.SameBytes(content, read, $"The content read back from {Check.Q(file)}");
        await Check.Step($"DeleteFileAsync({Check.Q(file)})", () => fs.DeleteFileAsync(file, ct).AsTask());
        await Check.Step($"DeleteDirectoryAsync({Check.Q(directory)})", () => fs.DeleteDirectoryAsync(directory, ct).AsTask());
        await ExpectListingAsync(fs, "/", [], "after deleting the file and its directory", ct);
    });

    /// <summary>
    /// Directories are created only in an existing parent and only where nothing exists yet (MKD), and an empty
    /// directory is removed (RMD).
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Directories_are_created_and_removed() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.Step("CreateDirectoryAsync(\"/d/e\")", () => fs.CreateDirectoryAsync("/d/e", ct).AsTask());
        await ExpectDirectoryAsync(fs, "/d/e", "after CreateDirectoryAsync(\"/d/e\")", ct);
        await Check.RefusedAsync("CreateDirectoryAsync(\"/d\") where \"/d\" exists", "an entry with that name exists already",
            () => fs.CreateDirectoryAsync("/d", ct).AsTask(), ex => ex is IOException or FtpException, "IOException");
        await Check.RefusedAsync("CreateDirectoryAsync(\"/missing/x\")", "the parent does not exist; DirectoryNotFoundException is best",
            () => fs.CreateDirectoryAsync("/missing/x", ct).AsTask());
        await ExpectMissingAsync(fs, "/missing", "after a refused CreateDirectoryAsync(\"/missing/x\"): parents are never created on the way", ct);
        await Check.Step("DeleteDirectoryAsync(\"/d/e\")", () => fs.DeleteDirectoryAsync("/d/e", ct).AsTask());
        await ExpectMissingAsync(fs, "/d/e", "after DeleteDirectoryAsync(\"/d/e\")", ct);
        await Check.Step("DeleteDirectoryAsync(\"/d\")", () => fs.DeleteDirectoryAsync("/d", ct).AsTask());
        await ExpectListingAsync(fs, "/", [], "after deleting \"/d\"", ct);
    });

    /// <summary>Files are deleted (DELE); deleting a missing file, or reading one, fails with a refusal the engine maps to 550.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Files_are_deleted_and_missing_files_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "x", ct);
        await Check.Step("DeleteFileAsync(\"/f\")", () => fs.DeleteFileAsync("/f", ct).AsTask());
        await ExpectMissingAsync(fs, "/f", "after DeleteFileAsync(\"/f\")", ct);
        await ExpectListingAsync(fs, "/", [], "after deleting \"/f\"", ct);
        const string Missing = "nothing exists there; FileNotFoundException is best";
        await Check.RefusedAsync("DeleteFileAsync(\"/f\") of a deleted file", Missing, () => fs.DeleteFileAsync("/f", ct).AsTask());
        await Check.RefusedAsync("OpenReadAsync(\"/missing\", 0)", Missing, async () => await (await fs.OpenReadAsync("/missing", 0, ct)).DisposeAsync());
        await Check.RefusedAsync("DeleteDirectoryAsync(\"/missing\")", "nothing exists there; DirectoryNotFoundException is best", () => fs.DeleteDirectoryAsync("/missing", ct).AsTask());
        await Check.RefusedAsync("RenameAsync(\"/missing\", \"/other\")", Missing, () => fs.RenameAsync("/missing", "/other", ct).AsTask());
        await Check.RefusedAsync("OpenWriteAsync(\"/missing/x\", FtpWriteMode.Create, 0)", "the directory does not exist; DirectoryNotFoundException is best",
            async () => await (await fs.OpenWriteAsync("/missing/x", FtpWriteMode.Create, 0, ct)).DisposeAsync());
        await ExpectListingAsync(fs, "/", [], "after the refused calls", ct);
    });

    private static void Describes(FtpFileInfo info, string what, string name, bool isDirectory, long? length)
    {
        if (info.Name != name)
        {
            throw Check.Failure($"{what} must have the name {Check.Q(name)} (the last segment of the path, exactly as given), but it is {Check.Q(info.Name)}.");
        }

        if (info.IsDirectory != isDirectory)
        {
            throw Check.Failure($"{what} must {(isDirectory ? "" : "not ")}be a directory (IsDirectory = {isDirectory.ToString().ToLowerInvariant()}).");
        }

        if (length is { } expected && info.Length != expected)
        {
            throw Check.Failure($"{what} must have Length {expected} (the exact size in bytes: SIZE, LIST and REST rely on it), but it is {info.Length}.");
        }

        Check.Recent(info.LastWriteTime, $"The LastWriteTime of {what}");
    }
}

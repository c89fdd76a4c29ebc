using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private const string WrongKind = "the engine answers 550 when a file is used as a directory or the reverse; returning normally would report success for nothing done";

    /// <summary><c>OpenReadAsync</c> of a directory throws instead of returning a stream.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Reading_a_directory_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.RefusedAsync("OpenReadAsync(\"/d\", 0) of a directory", WrongKind,
            async () => await (await fs.OpenReadAsync("/d", 0, ct)).DisposeAsync());
        await ExpectDirectoryAsync(fs, "/d", "after the refused read", ct);
    });

    /// <summary><c>DeleteFileAsync</c> of a directory throws and leaves the directory.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Deleting_a_directory_as_a_file_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.RefusedAsync("DeleteFileAsync(\"/d\") of a directory", WrongKind, () => fs.DeleteFileAsync("/d", ct).AsTask());
        await ExpectDirectoryAsync(fs, "/d", "after the refused DeleteFileAsync", ct);
    });

    /// <summary><c>DeleteDirectoryAsync</c> of a file throws and leaves the file.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Deleting_a_file_as_a_directory_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "file", ct);
        await Check.RefusedAsync("DeleteDirectoryAsync(\"/f\") of a file", WrongKind, () => fs.DeleteDirectoryAsync("/f", ct).AsTask());
        await ExpectFileAsync(fs, "/f", "file", "after the refused DeleteDirectoryAsync", ct);
    });

    /// <summary><c>CreateDirectoryAsync</c> where a file exists throws and leaves the file.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Creating_a_directory_over_a_file_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/f", "file", ct);
        await Check.RefusedAsync("CreateDirectoryAsync(\"/f\") where a file exists", "an entry with that name exists already; IOException is best",
            () => fs.CreateDirectoryAsync("/f", ct).AsTask());
        await ExpectFileAsync(fs, "/f", "file", "after the refused CreateDirectoryAsync", ct);
    });

    /// <summary><c>OpenWriteAsync</c> (create or append) where a directory exists throws and leaves the directory.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Writing_over_a_directory_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.WriteAsync(fs, "/d/inside", "kept", ct);
        foreach (var mode in new[] { FtpWriteMode.Create, FtpWriteMode.Append })
        {
            await Check.RefusedAsync($"OpenWriteAsync(\"/d\", FtpWriteMode.{mode}, 0) where a directory exists", WrongKind,
                async () => await (await fs.OpenWriteAsync("/d", mode, 0, ct)).DisposeAsync());
            await ExpectDirectoryAsync(fs, "/d", $"after the refused OpenWriteAsync({mode})", ct);
        }

        await ExpectFileAsync(fs, "/d/inside", "kept", "after the refused writes over its directory", ct);
    });

    /// <summary><c>DeleteDirectoryAsync</c> of a directory that is not empty throws <see cref="IOException"/> and deletes nothing.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Deleting_a_non_empty_directory_throws_IOException() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.Step("CreateDirectoryAsync(\"/d/sub\")", () => fs.CreateDirectoryAsync("/d/sub", ct).AsTask());
        await Check.WriteAsync(fs, "/d/f", "file", ct);
        await Check.RefusedAsync("DeleteDirectoryAsync(\"/d\") of a directory that holds a file and a directory",
            "RMD removes empty directories only; the engine answers 550", () => fs.DeleteDirectoryAsync("/d", ct).AsTask(),
            ex => ex is IOException or FtpException, "IOException");
        await ExpectFileAsync(fs, "/d/f", "file", "after the refused DeleteDirectoryAsync(\"/d\")", ct);
        await ExpectDirectoryAsync(fs, "/d/sub", "after the refused DeleteDirectoryAsync(\"/d\")", ct);
    });

    /// <summary>
    /// <c>RenameAsync</c> onto an existing file replaces it, as POSIX <c>rename</c> does: STOR renames its temporary file
    /// over the target this way.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Renaming_onto_an_existing_file_replaces_it() => RunAsync(async (fs, ct) =>
    {
        await Check.WriteAsync(fs, "/a", "new content", ct);
        await Check.WriteAsync(fs, "/b", "old", ct);
        await Check.Step("RenameAsync(\"/a\", \"/b\") onto an existing file (it must replace it)", () => fs.RenameAsync("/a", "/b", ct).AsTask());
        await ExpectFileAsync(fs, "/b", "new content", "after RenameAsync(\"/a\", \"/b\")", ct);
        await ExpectMissingAsync(fs, "/a", "after it was renamed", ct);
        await ExpectListingAsync(fs, "/", ["b"], "after RenameAsync(\"/a\", \"/b\")", ct);
    });

    /// <summary><c>RenameAsync</c> of a file or a directory onto an existing directory throws and changes nothing.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Renaming_onto_an_existing_directory_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d1\")", () => fs.CreateDirectoryAsync("/d1", ct).AsTask());
        await Check.WriteAsync(fs, "/d1/x", "x", ct);
        await Check.Step("CreateDirectoryAsync(\"/d2\")", () => fs.CreateDirectoryAsync("/d2", ct).AsTask());
        await Check.WriteAsync(fs, "/d2/y", "y", ct);
        await Check.WriteAsync(fs, "/f", "f", ct);
        const string Why = "an existing directory is never replaced; IOException is best";
        await Check.RefusedAsync("RenameAsync(\"/d1\", \"/d2\") onto an existing directory", Why, () => fs.RenameAsync("/d1", "/d2", ct).AsTask());
        await Check.RefusedAsync("RenameAsync(\"/f\", \"/d2\") of a file onto an existing directory", Why, () => fs.RenameAsync("/f", "/d2", ct).AsTask());
        await ExpectFileAsync(fs, "/d1/x", "x", "after the refused renames", ct);
        await ExpectFileAsync(fs, "/d2/y", "y", "after the refused renames", ct);
        await ExpectFileAsync(fs, "/f", "f", "after the refused renames", ct);
        await ExpectListingAsync(fs, "/d2", ["y"], "after the refused renames", ct);
    });

    /// <summary><c>RenameAsync</c> of a directory into itself (or below itself) throws and changes nothing.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Renaming_a_directory_into_itself_is_refused() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.Step("CreateDirectoryAsync(\"/d/e\")", () => fs.CreateDirectoryAsync("/d/e", ct).AsTask());
        await Check.WriteAsync(fs, "/d/e/f", "f", ct);
        const string Why = "a directory cannot contain itself; IOException is best";
        await Check.RefusedAsync("RenameAsync(\"/d\", \"/d/inner\")", Why, () => fs.RenameAsync("/d", "/d/inner", ct).AsTask());
        await Check.RefusedAsync("RenameAsync(\"/d\", \"/d/e/inner\")", Why, () => fs.RenameAsync("/d", "/d/e/inner", ct).AsTask());
        await ExpectFileAsync(fs, "/d/e/f", "f", "after the refused renames", ct);
        await ExpectListingAsync(fs, "/", ["d"], "after the refused renames", ct);
        await ExpectListingAsync(fs, "/d", ["e"], "after the refused renames", ct);
    });

    /// <summary><c>RenameAsync</c> moves a file into another directory and a directory with everything below it.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Renaming_moves_files_and_whole_directories() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.Step("CreateDirectoryAsync(\"/d/sub\")", () => fs.CreateDirectoryAsync("/d/sub", ct).AsTask());
        await Check.WriteAsync(fs, "/d/sub/deep.txt", "deep", ct);
        await Check.WriteAsync(fs, "/a.txt", "a", ct);
        await Check.Step("RenameAsync(\"/a.txt\", \"/d/b.txt\")", () => fs.RenameAsync("/a.txt", "/d/b.txt", ct).AsTask());
        await ExpectFileAsync(fs, "/d/b.txt", "a", "after RenameAsync(\"/a.txt\", \"/d/b.txt\")", ct);
        await ExpectMissingAsync(fs, "/a.txt", "after it was moved", ct);
        await Check.Step("RenameAsync(\"/d\", \"/e\")", () => fs.RenameAsync("/d", "/e", ct).AsTask());
        await ExpectFileAsync(fs, "/e/sub/deep.txt", "deep", "after RenameAsync(\"/d\", \"/e\") (a directory moves with its subtree)", ct);
        await ExpectFileAsync(fs, "/e/b.txt", "a", "after RenameAsync(\"/d\", \"/e\")", ct);
        await ExpectMissingAsync(fs, "/d/sub/deep.txt", "after its directory was moved", ct);
        await ExpectListingAsync(fs, "/", ["e"], "after RenameAsync(\"/d\", \"/e\")", ct);
        await ExpectListingAsync(fs, "/e", ["b.txt", "sub"], "after RenameAsync(\"/d\", \"/e\")", ct);
    });
}

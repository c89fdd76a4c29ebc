using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private const int LargeDirectoryEntries = 10_000;
    private const int LargeDirectoryTimeLimitSeconds = 180;
    private static readonly TimeSpan LargeListingTimeLimit = TimeSpan.FromSeconds(60);
    private static readonly string[] NameListingFiles = ["a.txt", "with space.bin", "\u00e9t\u00e9.txt", ".hidden"];
    private static readonly string[] NameListingDirectories = ["/", "/n", "/n/sub"];

    /// <summary>An empty directory (the fresh root, a new directory) lists nothing.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Empty_directories_list_nothing() => RunAsync(async (fs, ct) =>
    {
        await ExpectListingAsync(fs, "/", [], "on a fresh provider (CreateProviderAsync must return an empty one for each test)", ct);
        await Check.Step("CreateDirectoryAsync(\"/empty\")", () => fs.CreateDirectoryAsync("/empty", ct).AsTask());
        await ExpectListingAsync(fs, "/empty", [], "for a directory just created", ct);
    });

    /// <summary>A directory with one file lists exactly that file, with its size.</summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task A_directory_with_one_file_lists_it() => RunAsync(async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/d\")", () => fs.CreateDirectoryAsync("/d", ct).AsTask());
        await Check.WriteAsync(fs, "/d/only.bin", Check.Pattern(1234, 1), ct);
        var entries = await ExpectListingAsync(fs, "/d", ["only.bin"], "after writing \"/d/only.bin\"", ct);
        Describes(entries[0], "The entry of \"only.bin\" in ListAsync(\"/d\")", "only.bin", isDirectory: false, 1234);
        await ExpectListingAsync(fs, "/", ["d"], "(the file is inside \"/d\")", ct);
    });

    /// <summary>
    /// A directory of 10,000 entries (files of different sizes and some directories, created through the provider) lists
    /// every one exactly once with its exact size, in less than 60 s (creating them may take up to two minutes more).
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task A_directory_of_10000_entries_lists_each_exactly_once() => RunAsync(seconds: LargeDirectoryTimeLimitSeconds, check: async (fs, ct) =>
    {
        await Check.Step("CreateDirectoryAsync(\"/many\")", () => fs.CreateDirectoryAsync("/many", ct).AsTask());
        var expected = new Dictionary<string, (bool IsDirectory, long Length)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < LargeDirectoryEntries; i++)
        {
            var name = i.ToString("d5", CultureInfo.InvariantCulture);
            if (i % 100 == 99)
            {
                name = "dir-" + name;
                await Check.Step($"CreateDirectoryAsync(\"/many/{name}\")", () => fs.CreateDirectoryAsync("/many/" + name, ct).AsTask());
                expected.Add(name, (true, 0));
            }
            else
            {
                name = "file-" + name + ".txt";
                await Check.WriteAsync(fs, "/many/" + name, Check.Pattern(i % 97, i), ct);
                expected.Add(name, (false, i % 97));
            }
        }

        var created = clock.Elapsed;
        var entries = await Check.ListAsync(fs, "/many", ct);
        var listed = clock.Elapsed - created;
        if (listed > LargeListingTimeLimit)
        {
            throw Check.Failure($"ListAsync(\"/many\") of {LargeDirectoryEntries} entries took {listed.TotalSeconds:F1} s; it must take less than {LargeListingTimeLimit.TotalSeconds:F0} s (yield entries as they are read: the engine streams them to the client).");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.Name))
            {
                throw Check.Failure($"ListAsync(\"/many\") listed {Check.Q(entry.Name)} twice: each entry must appear exactly once.");
            }

            if (!expected.TryGetValue(entry.Name, out var want))
            {
                throw Check.Failure($"ListAsync(\"/many\") listed {Check.Q(entry.Name)}, which was never created there.");
            }

            if (entry.IsDirectory != want.IsDirectory || (!want.IsDirectory && entry.Length != want.Length))
            {
                throw Check.Failure($"ListAsync(\"/many\") describes {Check.Q(entry.Name)} as {(entry.IsDirectory ? "a directory" : $"a file of {entry.Length} bytes")}, but it is {(want.IsDirectory ? "a directory" : $"a file of {want.Length} bytes")}.");
            }
        }

        if (seen.Count != expected.Count)
        {
            var missing = expected.Keys.Where(n => !seen.Contains(n)).Order(StringComparer.Ordinal).Take(5);
            throw Check.Failure($"ListAsync(\"/many\") listed {seen.Count} of the {expected.Count} entries created (for instance, it left out {string.Join(", ", missing.Select(Check.Q))}); "
                                + $"creating them took {created.TotalSeconds:F1} s, listing {listed.TotalSeconds:F1} s.");
        }
    });

    /// <summary>
    /// <c>ListAsync</c> of a directory that does not exist throws <see cref="DirectoryNotFoundException"/> (when called or
    /// at the first entry): the engine answers 550 "No such file or directory".
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Listing_a_missing_directory_throws_DirectoryNotFoundException() => RunAsync(async (fs, ct) =>
    {
        await Check.RefusedAsync("ListAsync(\"/missing\")", "the directory does not exist",
            async () =>
            {
                await foreach (var entry in fs.ListAsync("/missing", ct))
                {
                    throw Check.Failure($"ListAsync(\"/missing\") yielded {Check.Q(entry.Name)}; it must throw DirectoryNotFoundException.");
                }
            },
            ex => ex is DirectoryNotFoundException, nameof(DirectoryNotFoundException));
    });

    /// <summary>
    /// <see cref="FtpFileSystemCapabilities.NameListing"/> is declared exactly when the filesystem implements
    /// <see cref="IFtpNameListingFileSystem"/>, which NLST then asks for names instead of describing every entry.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task NameListing_is_declared_exactly_when_implemented() => RunAsync((fs, ct) =>
        Declared(fs, FtpFileSystemCapabilities.NameListing, fs is IFtpNameListingFileSystem, nameof(IFtpNameListingFileSystem),
            "NLST would still describe every entry", "the provider would not say that it lists names alone"));

    /// <summary>
    /// With <see cref="IFtpNameListingFileSystem"/>: <c>ListNamesAsync</c> yields exactly the names <c>ListAsync</c> yields
    /// (files, directories, names with spaces and non-ASCII letters), and throws <see cref="DirectoryNotFoundException"/>
    /// for a directory that does not exist.
    /// </summary>
    /// <returns>The check.</returns>
    [Fact]
    public Task Names_alone_are_the_names_ListAsync_yields() => RunAsync(async (fs, ct) =>
    {
        if (fs is not IFtpNameListingFileSystem lister)
        {
            return;
        }

        await Check.Step("CreateDirectoryAsync(\"/n\")", () => fs.CreateDirectoryAsync("/n", ct).AsTask());
        await Check.Step("CreateDirectoryAsync(\"/n/sub\")", () => fs.CreateDirectoryAsync("/n/sub", ct).AsTask());
        foreach (var name in NameListingFiles)
        {
            await Check.WriteAsync(fs, "/n/" + name, name, ct);
        }

        foreach (var path in NameListingDirectories)
        {
            var listed = (await Check.ListAsync(fs, path, ct)).Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
            var names = await Check.Step($"ListNamesAsync({Check.Q(path)})", async () =>
            {
                var all = new List<string>();
                await foreach (var name in lister.ListNamesAsync(path, ct))
                {
                    all.Add(name);
                }

                return all;
            });
            names.Sort(StringComparer.Ordinal);
            if (!names.SequenceEqual(listed, StringComparer.Ordinal))
            {
                throw Check.Failure($"ListNamesAsync({Check.Q(path)}) yielded [{string.Join(", ", names.Select(Check.Q))}], but ListAsync yields [{string.Join(", ", listed.Select(Check.Q))}]: NLST must name exactly what LIST lists.");
            }
        }

        await Check.RefusedAsync("ListNamesAsync(\"/missing\")", "the directory does not exist",
            async () =>
            {
                await foreach (var name in lister.ListNamesAsync("/missing", ct))
                {
                    throw Check.Failure($"ListNamesAsync(\"/missing\") yielded {Check.Q(name)}; it must throw DirectoryNotFoundException.");
                }
            },
            ex => ex is DirectoryNotFoundException, nameof(DirectoryNotFoundException));
    });
}

using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Ftp.Embedded.Testing;

public abstract partial class FtpFileSystemConformanceTests
{
    private const int LargeDirectoryEntries = 10_000;
    private const int LargeDirectoryTimeLimitSeconds = 180;
    private static readonly TimeSpan LargeListingTimeLimit = TimeSpan.FromSeconds(60);

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
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Ftp.Embedded.Testing;

/// <summary>
/// The checks the Ftp.Embedded engine relies on, for any <see cref="IFtpFileSystemProvider"/>. In an xunit test project,
/// derive a sealed class from it and override <see cref="CreateProviderAsync"/>: every check runs as a test of that class,
/// and a failure says what the engine expects.
/// </summary>
/// <remarks>
/// xunit creates one instance of the class per test; each test creates one provider and asks it for the filesystem of
/// <see cref="User"/>. The kit calls that filesystem as the engine does: normalised paths (<c>/</c>, <c>/a/b</c>), uploads
/// written in chunks, flushed after the last byte and then disposed, STOR through
/// <see cref="IFtpAtomicUploadFileSystem"/> when the filesystem has it (or a hidden temporary file renamed over the
/// target). Each test is bounded in time. Checks of an optional capability the filesystem does not implement pass
/// without checking anything. To clean up after each test (a temporary directory, a database), implement
/// <see cref="IDisposable"/> or xunit's <c>IAsyncLifetime</c> on the derived class.
/// </remarks>
public abstract partial class FtpFileSystemConformanceTests
{
    private const int DefaultTimeLimitSeconds = 60;
    private static readonly FtpUser DefaultUser = new("conformance", "/", FtpPermissions.All);

    private IFtpFileSystemProvider? _provider;

    /// <summary>
    /// Returns the provider under test, fresh and empty: the filesystem it gives <see cref="User"/> must hold nothing.
    /// Called once per test.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the test runs out of time.</param>
    /// <returns>The provider.</returns>
    protected abstract ValueTask<IFtpFileSystemProvider> CreateProviderAsync(CancellationToken cancellationToken);

    /// <summary>The user whose filesystem is tested. The default is a local user with every permission and home <c>/</c>.</summary>
    protected virtual FtpUser User => DefaultUser;

    /// <summary>The provider of the running test (set once the test has started).</summary>
    private IFtpFileSystemProvider Provider => _provider ?? throw new InvalidOperationException("The provider is created when a check starts.");

    /// <summary>
    /// Runs <paramref name="check"/> against a fresh filesystem with a deadline: the token passed to every call is cancelled
    /// when the time is up, and a check that still does not end fails with a message that says so.
    /// </summary>
    private async Task RunAsync(Func<IFtpFileSystem, CancellationToken, Task> check, int seconds = DefaultTimeLimitSeconds, [CallerMemberName] string test = "")
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var run = RunCoreAsync(check, deadline.Token);
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(seconds + 10));
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            throw Check.Failure($"{test} did not finish within {seconds} s, and the provider did not stop when its CancellationToken was cancelled: a call hangs or is far too slow. The engine bounds every operation in time and cancels it through that token.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw Check.Failure($"{test} did not finish within {seconds} s: a call into the provider is far too slow (its CancellationToken was cancelled when the time was up).");
        }
        catch (OperationCanceledException ex)
        {
            throw Check.Failure($"A call into the provider threw {ex.GetType().Name} although its CancellationToken was not cancelled: throw OperationCanceledException only for a cancelled token.", ex);
        }
    }

    private async Task RunCoreAsync(Func<IFtpFileSystem, CancellationToken, Task> check, CancellationToken ct)
    {
        _provider = await Check.Step("CreateProviderAsync", () => CreateProviderAsync(ct).AsTask())
                    ?? throw Check.Failure("CreateProviderAsync returned null; return the provider under test.");
        var user = User;
        var fs = await Check.Step($"GetFileSystemAsync(user {Check.Q(user.Name)} with home {Check.Q(user.HomeDirectory)})", () => _provider.GetFileSystemAsync(user, ct).AsTask())
                 ?? throw Check.Failure("GetFileSystemAsync returned null; it must return the user's filesystem (the engine refuses the login otherwise).");
        await check(fs, ct);
    }

    /// <summary>
    /// Stores <paramref name="data"/> at <paramref name="path"/> as STOR does by default: through
    /// <see cref="IFtpAtomicUploadFileSystem"/> when the filesystem has it, otherwise into a hidden temporary file beside
    /// the target that is then renamed over it.
    /// </summary>
    private static async Task StoreAsync(IFtpFileSystem fs, string path, byte[] data, CancellationToken ct)
    {
        if (fs is IFtpAtomicUploadFileSystem atomic)
        {
            await UploadAsync(atomic, path, data, commit: true, ct);
            return;
        }

        var parent = path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : "";
        var temporary = $"{parent}/.ftp-upload-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.part";
        await Check.WriteAsync(fs, temporary, data, ct);
        await Check.Step($"RenameAsync({Check.Q(temporary)}, {Check.Q(path)}) (STOR's rename of its temporary file over the target)",
            () => fs.RenameAsync(temporary, path, ct).AsTask());
    }

    /// <summary>An upload as the engine runs it: BeginUploadAsync, the data, FlushAsync, CommitAsync after a clean end, DisposeAsync.</summary>
    private static async Task UploadAsync(IFtpAtomicUploadFileSystem fs, string path, byte[] data, bool commit, CancellationToken ct, Func<Task>? beforeEnd = null)
    {
        var call = $"BeginUploadAsync({Check.Q(path)})";
        var upload = await Check.Step(call, () => fs.BeginUploadAsync(path, ct).AsTask()) ?? throw Check.Failure($"{call} returned null; it must return the upload.");
        await using (upload)
        {
            var stream = upload.Stream ?? throw Check.Failure($"The upload from {call} has a null Stream; it must be where the bytes are written.");
            await Check.Step($"Writing {data.Length} bytes to the Stream of {call}", () => Check.WriteChunksAsync(stream, data, ct));
            await Check.Step($"FlushAsync on the Stream of {call} (the engine flushes after the last byte)", () => stream.FlushAsync(ct));
            if (beforeEnd is not null)
            {
                await beforeEnd();
            }

            if (commit)
            {
                await Check.Step($"CommitAsync on the upload from {call}", () => upload.CommitAsync(ct).AsTask());
            }
        }
    }

    /// <summary>The names of a listing, sorted ordinally, for messages and comparisons.</summary>
    private static string Names(IEnumerable<FtpFileInfo> entries)
        => "[" + string.Join(", ", entries.Select(e => Check.Q(e.Name)).Order(StringComparer.Ordinal)) + "]";

    /// <summary>Fails unless the listing of <paramref name="path"/> holds exactly <paramref name="expected"/> (names).</summary>
    private static async Task<List<FtpFileInfo>> ExpectListingAsync(IFtpFileSystem fs, string path, string[] expected, string why, CancellationToken ct)
    {
        var entries = await Check.ListAsync(fs, path, ct);
        var want = "[" + string.Join(", ", expected.Select(Check.Q).Order(StringComparer.Ordinal)) + "]";
        if (Names(entries) != want)
        {
            throw Check.Failure($"ListAsync({Check.Q(path)}) must list exactly {want} {why}, but it listed {Names(entries)}.");
        }

        return entries;
    }

    /// <summary>Fails unless <paramref name="path"/> exists as a file with exactly <paramref name="expected"/> as content.</summary>
    private static async Task ExpectFileAsync(IFtpFileSystem fs, string path, byte[] expected, string why, CancellationToken ct)
    {
        var info = await Check.InfoAsync(fs, path, ct);
        if (info is null || info.IsDirectory || info.Length != expected.Length)
        {
            var seen = info is null ? "null" : info.IsDirectory ? "a directory" : $"a file of {info.Length} bytes";
            throw Check.Failure($"GetInfoAsync({Check.Q(path)}) must describe a file of {expected.Length} bytes {why}, but it returned {seen}.");
        }

        var content = await Check.ReadAsync(fs, path, ct);
        Check.SameBytes(expected, content, $"The content of {Check.Q(path)} {why}");
    }

    private static Task ExpectFileAsync(IFtpFileSystem fs, string path, string expected, string why, CancellationToken ct)
        => ExpectFileAsync(fs, path, System.Text.Encoding.UTF8.GetBytes(expected), why, ct);

    /// <summary>Fails unless <paramref name="path"/> exists as a directory.</summary>
    private static async Task ExpectDirectoryAsync(IFtpFileSystem fs, string path, string why, CancellationToken ct)
    {
        var info = await Check.InfoAsync(fs, path, ct);
        if (info is not { IsDirectory: true })
        {
            throw Check.Failure($"GetInfoAsync({Check.Q(path)}) must describe a directory {why}, but it returned {(info is null ? "null" : "a file")}.");
        }
    }

    /// <summary>Fails unless nothing exists at <paramref name="path"/>.</summary>
    private static async Task ExpectMissingAsync(IFtpFileSystem fs, string path, string why, CancellationToken ct)
    {
        if (await Check.InfoAsync(fs, path, ct) is { } info)
        {
            throw Check.Failure($"GetInfoAsync({Check.Q(path)}) must return null {why}, but it returned {(info.IsDirectory ? "a directory" : $"a file of {info.Length} bytes")}.");
        }
    }
}

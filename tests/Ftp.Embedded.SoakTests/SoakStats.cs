using System.Collections.Concurrent;

namespace Ftp.Embedded.SoakTests;

/// <summary>What the clients did, counted without locks, and the first few errors they met.</summary>
internal sealed class SoakStats
{
    private const int MaxSamples = 40;
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private long _errors;

    public long Sessions;
    public long Refused;
    public long Logins;
    public long UploadsCompleted;
    public long DownloadsVerified;
    public long BytesUploaded;
    public long BytesDownloaded;
    public long Listings;
    public long AbortedUploads;
    public long AbortedDownloads;
    public long DataResetUploads;
    public long DataResetDownloads;
    public long ControlResets;
    public long Quits;
    public long Closes;
    public long Resets;
    public long FilesVerified;
    public long FilesDeleted;
    public long PassiveRefused;

    public long Errors => Interlocked.Read(ref _errors);

    public IReadOnlyCollection<string> ErrorSamples => _errorSamples;

    public void Error(string what)
    {
        if (Interlocked.Increment(ref _errors) <= MaxSamples)
        {
            _errorSamples.Enqueue(what);
        }
    }

    public static void Add(ref long counter, long value = 1) => Interlocked.Add(ref counter, value);
}

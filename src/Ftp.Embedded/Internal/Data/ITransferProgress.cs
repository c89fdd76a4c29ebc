namespace Ftp.Embedded.Internal.Data;

/// <summary>What a copy tells the running transfer: bytes moved (for STAT, the stall timeout and the totals) and bytes about to be written (for the quota).</summary>
internal interface ITransferProgress
{
    /// <summary>Counts <paramref name="bytes"/> moved and pushes the stall deadline out.</summary>
    void Progress(int bytes);

    /// <summary>Called before <paramref name="count"/> more bytes are written: throws, cutting the transfer, when they would pass its limit.</summary>
    void Reserve(int count);

    /// <summary>The rate limits the copy moves under, in slices with a wait before each; <see langword="null"/>: none.</summary>
    TransferThrottle? Throttle { get; }
}

namespace Ftp.Embedded.Internal.Commands;

internal sealed class CommandTable
{
    public static CommandTable Instance { get; } = new();
}

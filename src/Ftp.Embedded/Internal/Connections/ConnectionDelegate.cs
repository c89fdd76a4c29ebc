using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Internal.Connections;

/// <summary>One step of what happens to a new connection: a middleware, or at the end the session.</summary>
internal delegate ValueTask ConnectionDelegate(FtpConnection connection);

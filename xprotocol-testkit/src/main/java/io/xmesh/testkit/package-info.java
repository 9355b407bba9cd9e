/**
 * Test kit for xmesh codec authors (test scope only).
 * <ul>
 *   <li>{@link io.xmesh.testkit.XProtocolContractTest}: extend it to check an
 *       {@link io.xmesh.xprotocol.codec.XProtocol} the way the proxy uses it (matching,
 *       fragmentation, request-id rewrite, oversize and corrupt input, replies, reference
 *       counts);</li>
 *   <li>{@link io.xmesh.testkit.FrameSample} and {@link io.xmesh.testkit.CorruptSample}: the
 *       samples it runs on; {@link io.xmesh.testkit.HexVectors}: annotated hex golden vectors;</li>
 *   <li>{@link io.xmesh.testkit.EmbeddedChannels}: channel helpers for a codec's own tests;</li>
 *   <li>{@link io.xmesh.testkit.LeakDetectionExtension} and
 *       {@link io.xmesh.testkit.FailingLeakDetector}: a buffer leak fails the test class.</li>
 * </ul>
 */
package io.xmesh.testkit;

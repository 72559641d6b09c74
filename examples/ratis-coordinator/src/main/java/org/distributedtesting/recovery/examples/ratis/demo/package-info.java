/**
 * The one-command demo of the recovery daemon on a real Apache Ratis cluster: {@link
 * org.distributedtesting.recovery.examples.ratis.demo.RatisDemo} starts three coordinator nodes, a writer and the
 * daemon through the {@link org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness}, injects nine
 * real faults one after another, prints a timeline and a summary, and checks that no acknowledged write was lost.
 */
package org.distributedtesting.recovery.examples.ratis.demo;

/**
 * The largest cluster Kubernetes supports (kubernetes.io/docs/setup/best-practices/cluster-large:
 * no more than 5,000 nodes and 150,000 pods). An object that would make more pods than that, or a
 * group spread over more nodes, can never run; refusing it also keeps a controller's desired()
 * (and `render`) from building millions of objects for one typo.
 */
export const MAX_CLUSTER_NODES = 5_000;
export const MAX_CLUSTER_PODS = 150_000;

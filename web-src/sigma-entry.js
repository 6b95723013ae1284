// The WebGL map's libraries, exposed as one global (window.gkSigma) by build-sigma.mjs.
import Graph from "graphology";
import Sigma from "sigma";

export { Graph, Sigma };
